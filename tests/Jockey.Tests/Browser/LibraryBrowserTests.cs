using System.Text.Json;
using Microsoft.Playwright;
using static Jockey.Tests.Browser.PageSteps;

namespace Jockey.Tests.Browser;

/// <summary>A person's own video, without a terminal: a new index, an upload with its progress, a search and a montage of it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LibraryBrowserTests(BrowserAppFixture fixture)
{
    [Fact]
    public async Task A_person_uploads_a_video_with_progress_then_a_search_finds_it_by_its_title_and_a_montage_is_made_of_it()
    {
        var folder = Directory.CreateTempSubdirectory("jockey-upload-");
        try
        {
            var file = await TestVideos.MakeAsync(Path.Combine(folder.FullName, "Zebra crossing.mp4"), seconds: 4);
            var page = await fixture.NewPageAsync();
            await page.GotoAsync("/");
            var library = page.GetByTestId("library");
            await Assertions.Expect(library).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await library.Locator("summary").ClickAsync();

            var index = $"mine-{Guid.NewGuid():N}"[..13];
            await page.GetByTestId("library-new-index").FillAsync(index);
            await page.GetByTestId("library-create-index").ClickAsync();
            await Assertions.Expect(page.GetByTestId("library-index")).ToHaveValueAsync(index);
            await Assertions.Expect(page.GetByTestId("index-select")).ToHaveValueAsync(index);

            // Every phase the upload shows, and the most bytes it reported sent.
            await page.EvaluateAsync("""
                () => {
                  window.uploadSeen = { phases: [], sent: 0, total: 0 }
                  new MutationObserver(() => {
                    const upload = document.querySelector('[data-testid=upload]')
                    if (!upload) return
                    const phase = upload.dataset.phase ?? upload.dataset.state
                    if (window.uploadSeen.phases.at(-1) !== phase) window.uploadSeen.phases.push(phase)
                    if (upload.dataset.sent) Object.assign(window.uploadSeen, { sent: Math.max(window.uploadSeen.sent, Number(upload.dataset.sent)), total: Number(upload.dataset.total) })
                  }).observe(document.body, { subtree: true, childList: true, attributes: true })
                }
                """);
            await page.GetByTestId("library-file").SetInputFilesAsync(file);

            var upload = page.GetByTestId("upload");
            await Assertions.Expect(upload).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = RunTimeout });
            await Assertions.Expect(upload).ToContainTextAsync("searchable now");
            var seen = JsonSerializer.Deserialize<UploadSeen>(await page.EvaluateAsync<string>("() => JSON.stringify(window.uploadSeen)"),
                new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            Assert.Equal(["sending", "indexing", "ready"], seen.Phases);
            Assert.True(seen.Sent >= new FileInfo(file).Length && seen.Sent == seen.Total, $"progress reached {seen.Sent} of {seen.Total}");
            var listed = page.GetByTestId("library-video");
            await Assertions.Expect(listed).ToHaveCountAsync(1);
            await Assertions.Expect(listed).ToContainTextAsync("0:04");
            var videoId = await listed.GetAttributeAsync("data-video-id");
            // Its thumbnail: the agent cuts it with ffmpeg on the first request, through the API's signed proxy.
            await page.WaitForFunctionAsync("() => { const img = document.querySelector('[data-testid=library-video] img'); return !!img && img.complete && img.naturalWidth > 0 }",
                null, new() { Timeout = RunTimeout });
            await BrowserAppFixture.ScreenshotAsync(page, "11-library-uploaded");

            await SubmitAsync(page, "Make a montage of the zebra crossing");

            await Assertions.Expect(page.Locator($"[data-testid=search-result][data-video-id='{videoId}']").First).ToBeVisibleAsync(new() { Timeout = RunTimeout });
            await AssertTurnStatusAsync(page, "completed");
            await Assertions.Expect(page.GetByTestId("result-video")).ToBeVisibleAsync();

            await listed.GetByTestId("library-delete").ClickAsync();
            await Assertions.Expect(listed).ToHaveCountAsync(0);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed record UploadSeen(string[] Phases, long Sent, long Total);
}
