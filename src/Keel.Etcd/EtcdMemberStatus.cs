namespace Keel.Etcd;

/// <summary>What one etcd member says about itself: its id, the id of the raft leader it follows, and the term.</summary>
public sealed record EtcdMemberStatus(ulong MemberId, ulong LeaderId, long RaftTerm)
{
    public bool IsLeader => MemberId != 0 && MemberId == LeaderId;
}
