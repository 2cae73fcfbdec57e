using Keel.Agent.Ui;

namespace Keel.Agent.Tests;

/// <summary>The page's files are in the binary, and none needs what the page's Content-Security-Policy forbids.</summary>
public class UiAssetsTests
{
    [Fact]
    public void Every_file_is_embedded_with_its_type_and_unknown_names_are_not_served()
    {
        foreach (var name in UiAssets.Names)
        {
            var asset = UiAssets.Get(name);
            Assert.NotNull(asset);
            Assert.True(asset.Value.Bytes.Length > 100, $"{name} is nearly empty");
        }
        Assert.StartsWith("text/html", UiAssets.Get("index.html")!.Value.ContentType, StringComparison.Ordinal);
        Assert.StartsWith("text/javascript", UiAssets.Get("app.js")!.Value.ContentType, StringComparison.Ordinal);
        Assert.Null(UiAssets.Get("../Keel.Agent.dll"));
        Assert.Null(UiAssets.Get("secret.txt"));
    }

    [Fact]
    public void The_page_has_no_inline_script_or_style_and_sets_text_not_html_from_data()
    {
        var html = System.Text.Encoding.UTF8.GetString(UiAssets.Get("index.html")!.Value.Bytes);
        Assert.DoesNotMatch(@"<script(?![^>]*\ssrc=)", html);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"<[^>]*\son[a-z]+=", html); // no inline event handlers
        var js = System.Text.Encoding.UTF8.GetString(UiAssets.Get("app.js")!.Value.Bytes);
        // Values from the cluster reach the page through textContent only: innerHTML is never assigned.
        Assert.DoesNotContain("innerHTML", js, StringComparison.Ordinal);
        Assert.DoesNotContain("localStorage", js, StringComparison.Ordinal);
    }
}
