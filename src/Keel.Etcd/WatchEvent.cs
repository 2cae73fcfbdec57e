namespace Keel.Etcd;

/// <summary>What happened to a watched key.</summary>
public enum WatchEventType { Put, Delete }

/// <summary>One change seen by a watch; for Delete, <see cref="KeyValue"/> carries only Key and ModRevision.</summary>
public sealed record WatchEvent(WatchEventType Type, KeyValue Kv);
