namespace Keel.Etcd;

/// <summary>Which field of a key a transaction guard looks at.</summary>
public enum CompareTarget { Version, CreateRevision, ModRevision, Value, Lease }

/// <summary>How the key's field must relate to the guard's operand.</summary>
public enum CompareResult { Equal, NotEqual, Greater, Less }

/// <summary>
/// One guard of a transaction. <paramref name="Number"/> is the operand for Version, CreateRevision, ModRevision
/// and Lease; <paramref name="Value"/> is the operand for Value. A missing key has every number equal to 0.
/// </summary>
public sealed record Compare(string Key, CompareTarget Target, CompareResult Result, long Number = 0, string? Value = null)
{
    /// <summary>The key does not exist (its create revision is 0): the create-if-absent guard of a lock.</summary>
    public static Compare Absent(string key) => new(key, CompareTarget.CreateRevision, CompareResult.Equal, 0);

    /// <summary>The key is the very incarnation created at <paramref name="rev"/> (a fencing token).</summary>
    public static Compare CreateRevisionIs(string key, long rev) => new(key, CompareTarget.CreateRevision, CompareResult.Equal, rev);

    /// <summary>Nobody has written the key since <paramref name="rev"/> (optimistic concurrency).</summary>
    public static Compare ModRevisionIs(string key, long rev) => new(key, CompareTarget.ModRevision, CompareResult.Equal, rev);

    /// <summary>The key holds exactly <paramref name="value"/>.</summary>
    public static Compare ValueIs(string key, string value) => new(key, CompareTarget.Value, CompareResult.Equal, 0, value);
}
