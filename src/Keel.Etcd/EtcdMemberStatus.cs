namespace Keel.Etcd;

/// <summary>What one etcd member says about itself: its id, the id of the raft leader it follows, the term, its database size and version.</summary>
public sealed record EtcdMemberStatus(ulong MemberId, ulong LeaderId, long RaftTerm, long DbSize = 0, string Version = "")
{
    public bool IsLeader => MemberId != 0 && MemberId == LeaderId;
}
