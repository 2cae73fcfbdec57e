using System.Text;

namespace Keel.Etcd.Grpc;

/// <summary>Turns Keel's string keys into the byte ranges etcd reads and deletes.</summary>
internal static class KeyRange
{
    /// <summary>etcd's "\0" key and range end: with both, a range covers the whole keyspace.</summary>
    private static readonly byte[] AllKeys = [0];

    public static byte[] Bytes(string key) => Encoding.UTF8.GetBytes(key);

    /// <summary>(key, range_end) covering every key that starts with <paramref name="prefix"/>.</summary>
    public static (byte[] Key, byte[] RangeEnd) Prefix(string prefix)
    {
        var key = Bytes(prefix);
        return key.Length == 0 ? (AllKeys, AllKeys) : (key, PrefixEnd(key));
    }

    /// <summary>
    /// The smallest key greater than every key with this prefix: the prefix with its last byte below 0xFF
    /// incremented and what follows it dropped (as etcd's clientv3.GetPrefixRangeEnd does). A prefix of only 0xFF
    /// bytes has no such key, and "\0" means "to the end of the keyspace".
    /// </summary>
    public static byte[] PrefixEnd(ReadOnlySpan<byte> prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] < 0xFF)
            {
                var end = prefix[..(i + 1)].ToArray();
                end[i]++;
                return end;
            }
        }

        return AllKeys;
    }
}
