namespace Keel.Etcd;

/// <summary>One key as etcd stores it; keys and values are UTF-8 text in Keel.</summary>
public sealed record KeyValue(string Key, string Value, long CreateRevision, long ModRevision, long Version, long Lease);

/// <summary>The keys a range read returned, and the store revision the read saw (the response header's).</summary>
public sealed record RangeResult(IReadOnlyList<KeyValue> Kvs, long Revision);
