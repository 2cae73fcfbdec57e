using Keel.Core.Doctor;

namespace Keel.Agent.Doctor;

/// <summary>
/// GET /doctor: what one agent checks on its own host (server version and settings, timing rule, disk and its growth,
/// HAProxy's backends), its server_id for the cluster-wide check, and its clock (the CLI compares the agents' clocks).
/// </summary>
public sealed record LocalDoctorReport(string Member, DateTimeOffset Clock, long? ServerId, IReadOnlyList<DoctorCheck> Checks);

/// <summary>GET /doctor/network: the links from every peer to this member, as this agent measured them.</summary>
public sealed record NetworkDoctorReport(string Member, IReadOnlyList<ClusterDoctorRules.LinkReading> Links);
