using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>Bad input gets the right 4xx with a ProblemDetails a person can act on — never a 500.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiInputTests(ApiAppFixture fixture)
{
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailPart)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonElement.Parse(body);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        var text = problem.TryGetProperty("detail", out var detail) ? detail.GetString() : "";
        if (problem.TryGetProperty("errors", out var errors)) text += " " + errors.GetRawText();
        Assert.Contains(detailPart, text, StringComparison.OrdinalIgnoreCase);
        return problem;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("{\"text\": \"hi\", \"thread_id\": ", "not valid JSON")]
    [InlineData("{\"text\": 5, \"thread_id\": \"x\"}", "not valid JSON")]
    [InlineData("[]", "not valid JSON")]
    [InlineData("null", "request")]
    public async Task Bad_json_is_a_400_that_says_what_is_wrong(string body, string message)
    {
        using var api = fixture.Api();
        using var response = await api.PostAsync("/api/process", Json(body), Timeout());
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        using var api = fixture.Api();
        using var response = await api.PostAsync("/api/process", new StringContent("text=hi", Encoding.UTF8, "application/x-www-form-urlencoded"), Timeout());
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json");
    }

    [Theory]
    [InlineData("", "Text is required")]
    [InlineData(null, "Text is required")]
    [InlineData("x4001", "limit is 4000")]
    public async Task Missing_or_oversized_text_is_a_400_naming_the_field(string? text, string message)
    {
        using var api = fixture.Api();
        var threadId = await InitAsync(api, Timeout());
        text = text == "x4001" ? new string('x', 4001) : text;
        using var response = await api.PostAsJsonAsync("/api/process", new { text, thread_id = threadId }, Timeout());
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, message);
        Assert.True(problem.GetProperty("errors").TryGetProperty("text", out _));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("bad index!")]
    [InlineData("a-very-long-index-id-that-goes-on-and-on-and-on-well-beyond-sixty-four-chars")]
    public async Task A_bad_index_id_is_a_400(string indexId)
    {
        using var api = fixture.Api();
        var threadId = await InitAsync(api, Timeout());
        using var response = await api.PostAsJsonAsync("/api/process", new { text = "hello", thread_id = threadId, index_id = indexId }, Timeout());
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "not a valid index id");
    }

    [Fact]
    public async Task An_unknown_thread_is_a_404_for_process_stream_and_thread()
    {
        using var api = fixture.Api();
        var unknown = "AAAAAAAAAAAAAAAAAAAAAAAA";
        await AssertProblemAsync(await api.PostAsJsonAsync("/api/process", new { text = "hello", thread_id = unknown }, Timeout()), HttpStatusCode.NotFound, "POST /api/process/init");
        await AssertProblemAsync(await api.GetAsync($"/api/stream?thread_id={unknown}", Timeout()), HttpStatusCode.NotFound, "does not exist");
        await AssertProblemAsync(await api.GetAsync($"/api/threads/{unknown}", Timeout()), HttpStatusCode.NotFound, "does not exist");
        await AssertProblemAsync(await api.GetAsync($"/api/operations/{unknown}", Timeout()), HttpStatusCode.NotFound, "does not exist");
    }

    [Fact]
    public async Task Streaming_without_a_thread_id_or_with_a_bad_last_event_id_is_a_400()
    {
        using var api = fixture.Api();
        await AssertProblemAsync(await api.GetAsync("/api/stream", Timeout()), HttpStatusCode.BadRequest, "thread_id is required");
        var threadId = await InitAsync(api, Timeout());
        await AssertProblemAsync(await api.GetAsync($"/api/stream?thread_id={threadId}&last_event_id=abc", Timeout()), HttpStatusCode.BadRequest, "not an event id");
    }

    [Fact]
    public async Task A_body_over_64_kib_is_a_413()
    {
        using var api = fixture.Api();
        var huge = JsonSerializer.Serialize(new { text = "hi", thread_id = "x", padding = new string('p', 70 * 1024) });
        using var response = await api.PostAsync("/api/process", Json(huge), Timeout());
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "too large");
    }

    /// <summary>
    /// Escaped separators survive the server's path normalization into the route value, so only the path check stands
    /// between them and the blob store or the agent's file server.
    /// </summary>
    [Theory]
    [InlineData("/api/media/..%2F..%2Fsecret/x/y", "..%2F..%2Fsecret/x/y")]
    [InlineData("/api/media/thread/op/..%5C..%5Cwin.ini", "thread/op/..\\..\\win.ini")]
    [InlineData("/api/media/thread/%2E%2E%2F%2E%2E%2Fetc/passwd", "thread/..%2F..%2Fetc/passwd")]
    [InlineData("/api/jockey/files/sample/..%2F..%2Fetc%2Fpasswd", "sample/..%2F..%2Fetc%2Fpasswd")]
    public async Task Path_traversal_that_reaches_a_media_route_is_a_400(string path, string echoed)
    {
        using var api = fixture.Api();
        using var response = await api.GetAsync(path, Timeout());
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "is not a valid media path");
        Assert.Equal("Invalid media path", problem.GetProperty("title").GetString());
        Assert.Contains($"'{echoed}'", problem.GetProperty("detail").GetString());
    }

    /// <summary>Plain dot segments never reach a media route: they are resolved before routing, leaving a path with no endpoint.</summary>
    [Theory]
    [InlineData("/api/media/a/%2E%2E/%2E%2E/%2E%2E/etc/passwd")]
    [InlineData("/api/jockey/files/%2E%2E/%2E%2E/%2E%2E/etc/passwd")]
    public async Task Dot_segments_are_resolved_before_routing_and_find_no_endpoint(string path)
    {
        using var api = fixture.Api();
        using var response = await api.GetAsync(path, Timeout());
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "There is no endpoint at /etc/passwd");
    }

    [Fact]
    public async Task Media_that_does_not_exist_is_a_404()
    {
        using var api = fixture.Api();
        await AssertProblemAsync(await api.GetAsync("/api/media/media-id/missing.mp4", Timeout()), HttpStatusCode.NotFound, "No stored media");
    }

    [Fact]
    public async Task An_unsigned_agent_file_url_is_a_403_that_does_not_name_the_agents_internal_address()
    {
        using var api = fixture.Api();
        using var response = await api.GetAsync("/api/jockey/files/sample/missing.txt", Timeout());

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "This file URL is not signed");
        var body = await response.Content.ReadAsStringAsync(Timeout());
        Assert.DoesNotContain(fixture.Jockey.BaseAddress.Authority, body);
    }

    [Fact]
    public async Task Config_reports_the_default_index_and_limits_and_indexes_come_from_the_agent()
    {
        using var api = fixture.Api();
        var config = await api.GetFromJsonAsync<JsonElement>("/api/config", Timeout());
        Assert.Equal("sample", config.GetProperty("default_index_id").GetString());
        Assert.Equal(4000, config.GetProperty("max_text_length").GetInt32());
        Assert.Equal(65536, config.GetProperty("max_body_bytes").GetInt64());
        Assert.Equal((1000, 60.0), (config.GetProperty("rate_limit").GetProperty("permits").GetInt32(), config.GetProperty("rate_limit").GetProperty("window_seconds").GetDouble()));
        // The fake stands in for a real Jockey server, given to the AppHost as Jockey:Url.
        var features = config.GetProperty("features");
        Assert.Equal((true, false, false), (features.GetProperty("narration").GetBoolean(), features.GetProperty("narration_llm").GetBoolean(), features.GetProperty("local_agent").GetBoolean()));
        Assert.Equal("sample", (await api.GetFromJsonAsync<JsonElement>("/api/config/index-id", Timeout())).GetProperty("index_id").GetString());
        var indexes = await api.GetFromJsonAsync<JsonElement>("/api/indexes", Timeout());
        Assert.Equal(("sample", 3), (indexes[0].GetProperty("index_id").GetString(), indexes[0].GetProperty("video_count").GetInt32()));
        var video = (await api.GetFromJsonAsync<JsonElement>("/api/indexes/sample/videos", Timeout()))[0];
        Assert.Equal(("v1", 12.5), (video.GetProperty("video_id").GetString(), video.GetProperty("duration").GetDouble()));
        Assert.StartsWith("/api/jockey/files/sample/v1.jpg?exp=", video.GetProperty("thumbnail_url").GetString());
        Assert.Equal(["sunrise", "sea"], video.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        await AssertProblemAsync(await api.GetAsync("/api/indexes/bad%20index/videos", Timeout()), HttpStatusCode.BadRequest, "not a valid index id");
    }

    [Fact]
    public async Task Cors_answers_only_the_configured_web_origin()
    {
        using var api = fixture.Api();
        foreach (var (origin, allowed) in new[] { (ApiAppFixture.WebOrigin, true), ("http://evil.example", false) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/process");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
            using var response = await api.SendAsync(preflight, Timeout());
            Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
        }
    }

    [Fact]
    public async Task A_stream_gets_the_hardening_every_answer_gets()
    {
        // Streams are served by routing itself, ahead of the middleware that waits on each request (StreamApi); what
        // runs before routing still applies to them: security headers, CORS for the web origin, and errors as ProblemDetails.
        using var api = fixture.Api();
        var threadId = await InitAsync(api, Timeout());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/stream?thread_id={threadId}");
        request.Headers.Add("Origin", ApiAppFixture.WebOrigin);
        using var stream = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Timeout());

        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", stream.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", stream.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(ApiAppFixture.WebOrigin, stream.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", stream.Headers.GetValues("Access-Control-Allow-Credentials").Single());

        using var unknown = await api.GetAsync("/api/stream?thread_id=no-such-thread", Timeout());
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "no-such-thread");
        using var wrongMethod = await api.PostAsync($"/api/stream?thread_id={threadId}", null, Timeout());
        await AssertProblemAsync(wrongMethod, HttpStatusCode.MethodNotAllowed, "POST is not allowed on /api/stream");
    }

    [Fact]
    public async Task The_openapi_document_lists_the_endpoints()
    {
        using var api = fixture.Api();
        var document = await api.GetStringAsync("/openapi/v1.json", Timeout());
        Assert.Contains("/api/process/init", document);
        Assert.Contains("/api/operations/{operation_id}/cancel", document);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/scalar/v1", Timeout())).StatusCode);
    }
}
