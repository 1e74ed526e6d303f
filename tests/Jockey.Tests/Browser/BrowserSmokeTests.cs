using Microsoft.Playwright;

namespace Jockey.Tests.Browser;

public sealed class BrowserSmokeTests(BrowserAppFixture fixture) : IClassFixture<BrowserAppFixture>
{
    [Fact]
    public async Task The_web_app_loads_through_the_apphost_and_offers_a_prompt_box()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");

        await Assertions.Expect(page.GetByRole(AriaRole.Textbox).First).ToBeVisibleAsync();
        await BrowserAppFixture.ScreenshotAsync(page, "smoke-home");
    }
}
