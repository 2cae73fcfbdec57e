namespace Keel.Network.Tests;

/// <summary>Pure logic: no namespaces needed, so these run in parallel with everything.</summary>
public sealed class NamingAndParsingTests
{
    [Fact]
    public void Only_our_own_names_are_recognised_for_the_stale_sweep()
    {
        Assert.Equal("0a1b2c3d", LabNames.RunIdOfNamespace("keel-0a1b2c3d-m1"));
        Assert.Null(LabNames.RunIdOfNamespace("keel-playground"));
        Assert.Null(LabNames.RunIdOfNamespace("keel-0A1B2C3D-m1"));
        Assert.Null(LabNames.RunIdOfNamespace("other-0a1b2c3d-m1"));
        Assert.Equal("0a1b2c3d", LabNames.RunIdOfInterface("kbr0a1b2c3d"));
        Assert.Equal("0a1b2c3d", LabNames.RunIdOfInterface("kv0a1b2c3dh12"));
        Assert.Null(LabNames.RunIdOfInterface("kv0a1b2c3d"));
        Assert.Null(LabNames.RunIdOfInterface("kbr0"));
        Assert.Null(LabNames.RunIdOfInterface("eth0"));
        Assert.True(LabNames.HostVeth("0a1b2c3d", 199).Length <= 15);
    }

    [Fact]
    public void Routes_and_addresses_are_parsed_whatever_their_type()
    {
        const string routes = """
            default via 192.0.2.1 dev eth0
            192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
            unreachable 10.213.7.0/24 metric 4242
            local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1
            broadcast 10.213.9.255 dev kbr table local proto kernel scope link src 10.213.9.1
            """;
        Assert.Equal(
            ["0.0.0.0/0", "192.0.2.0/24", "10.213.7.0/24", "127.0.0.1/32", "10.213.9.255/32"],
            SubnetPicker.RoutePrefixes(routes).Select(Show));
        const string addrs = "2: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever";
        Assert.Equal(["192.0.2.2/32"], SubnetPicker.AddressPrefixes(addrs).Select(Show));
    }

    [Theory]
    [InlineData("10.213.5.0/24", true)]
    [InlineData("10.213.5.77/32", true)]
    [InlineData("10.213.0.0/16", true)]
    [InlineData("10.213.6.0/24", false)]
    [InlineData("10.0.0.0/8", false)]
    [InlineData("0.0.0.0/0", false)]
    public void A_subnet_conflicts_with_anything_inside_it_or_a_narrow_route_around_it(string existing, bool conflict)
    {
        var candidate = Ipv4Prefix.TryParse("10.213.5.0/24")!.Value;
        Assert.Equal(conflict, SubnetPicker.Conflicts(Ipv4Prefix.TryParse(existing)!.Value, candidate));
    }

    private static string Show(Ipv4Prefix p) =>
        $"{p.Network >> 24}.{(p.Network >> 16) & 255}.{(p.Network >> 8) & 255}.{p.Network & 255}/{p.Length}";
}
