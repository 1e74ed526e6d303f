using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.LocalAgent;

/// <summary>A person's own videos through the API, with the local agent keeping the library: real ffmpeg, real search.</summary>
[Collection(LocalAgentAppCollection.Name)]
public sealed class ApiLibraryTests(LocalAgentAppFixture fixture)
{
    [Fact]
    public async Task A_new_index_takes_an_uploaded_video_that_a_run_then_finds_and_a_delete_removes_it_and_bad_uploads_get_problems()
    {
        var ct = Timeout(240);
        using var api = fixture.App.CreateHttpClient("apiservice");
        var index = $"mine-{Guid.NewGuid():N}"[..16];

        var info = await api.GetFromJsonAsync<JsonElement>("/api/library", ct);
        Assert.True(info.GetProperty("supported").GetBoolean());
        Assert.Equal(LocalAgentAppFixture.MaxUploadBytes, info.GetProperty("max_upload_bytes").GetInt64());
        using (var created = await api.PostAsJsonAsync("/api/indexes", new { index_id = index }, ct)) Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await AssertProblemAsync(await api.PostAsJsonAsync("/api/indexes", new { index_id = index }, ct), HttpStatusCode.Conflict, "already exists");

        await AssertProblemAsync(await api.PostAsJsonAsync($"/api/indexes/{index}/videos", new { file = "x" }, ct), HttpStatusCode.UnsupportedMediaType, "multipart/form-data");
        await AssertProblemAsync(await UploadAsync(api, index, new byte[LocalAgentAppFixture.MaxUploadBytes + 1], "big.mp4", ct), HttpStatusCode.RequestEntityTooLarge, "Library:MaxUploadBytes");
        await AssertProblemAsync(await UploadAsync(api, index, "just words"u8.ToArray(), "notes.txt", ct), HttpStatusCode.UnprocessableEntity, "video extension");

        var path = await TestVideos.MakeAsync(Path.Combine(Path.GetTempPath(), $"zebra-crossing-{Guid.NewGuid():N}.mp4"));
        JsonElement video;
        try
        {
            using var uploaded = await UploadAsync(api, index, await File.ReadAllBytesAsync(path, ct), "Zebra crossing.mp4", ct);
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
            video = await uploaded.Content.ReadFromJsonAsync<JsonElement>(ct);
        }
        finally
        {
            File.Delete(path);
        }
        var videoId = video.GetProperty("video_id").GetString()!;
        Assert.InRange(video.GetProperty("duration").GetDouble(), 2.5, 3.5);
        Assert.StartsWith("/api/jockey/files/", video.GetProperty("thumbnail_url").GetString());
        var listed = await api.GetFromJsonAsync<JsonElement>($"/api/indexes/{index}/videos", ct);
        Assert.Equal([videoId], listed.EnumerateArray().Select(v => v.GetProperty("video_id").GetString()));

        // Searchable the moment the upload is answered: a run on that index finds it by a word of its title.
        var thread = await InitAsync(api, ct);
        using var started = await api.PostAsJsonAsync("/api/process", new { text = "find zebra", thread_id = thread, index_id = index }, ct);
        var operationId = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("operation_id").GetString()!;
        var events = await ReadMessagesAsync(StreamAsync(api, thread, null, ct), EndOf(operationId));
        var found = events.First(e => Name(e) == "search-results").GetProperty("data").GetProperty("clips").EnumerateArray();
        Assert.Contains(videoId, found.Select(c => c.GetProperty("video_id").GetString()));

        using (var deleted = await api.DeleteAsync($"/api/indexes/{index}/videos/{videoId}", ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await api.GetFromJsonAsync<JsonElement>($"/api/indexes/{index}/videos", ct)).EnumerateArray());
        await AssertProblemAsync(await api.DeleteAsync($"/api/indexes/{index}/videos/{videoId}", ct), HttpStatusCode.NotFound, "has no video");
    }

    /// <summary>As a browser's FormData sends it: one part named "file" with the file's name and type.</summary>
    private static Task<HttpResponseMessage> UploadAsync(HttpClient api, string index, byte[] bytes, string name, CancellationToken ct)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".mp4", StringComparison.Ordinal) ? "video/mp4" : "text/plain");
        form.Add(file, "file", name);
        // Expect: 100-continue, so a body the API refuses by its Content-Length is never sent: otherwise the 413 may
        // close the connection while the test is still writing, and the test sees a broken pipe instead of the answer.
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/indexes/{index}/videos") { Content = form };
        request.Headers.ExpectContinue = true;
        return api.SendAsync(request, ct);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string says)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(says, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
    }
}
