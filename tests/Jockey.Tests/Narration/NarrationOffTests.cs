using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Jockey.Testing;
using Jockey.Tests.Api;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Narration;

/// <summary>The API with <c>Narration:Enabled=false</c>, otherwise as the API tests run it.</summary>
public sealed class NarrationOffFixture : ApiAppFixture
{
    protected override void Configure(TestingOptions options)
    {
        base.Configure(options);
        options.Environment("apiservice", "Narration__Enabled", "false");
    }
}

/// <summary>With narration turned off a request is simply not narrated: no event, no error, no audio fields, no warning.</summary>
public sealed class NarrationOffTests(NarrationOffFixture fixture) : IClassFixture<NarrationOffFixture>
{
    [Fact]
    public async Task A_run_has_no_narration_event_error_or_audio_and_its_timeline_is_the_operations()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var threadId = await InitAsync(api, ct);

        var accepted = await ProcessAsync(api, threadId, "Make a short sunrise video", ct);
        var operationId = accepted.GetProperty("operation_id").GetString()!;
        var events = await ReadMessagesAsync(StreamAsync(api, threadId, null, ct), EndOf(operationId));
        var finished = await GetOperationAsync(api, operationId, ct);

        AssertNotNarrated(accepted);
        Assert.Equal(JsonValueKind.Null, accepted.GetProperty("timeline").GetProperty("end_time").ValueKind);
        Assert.DoesNotContain(events, e => Name(e) == "narration");
        Assert.Equal("completed", Name(events[^1]));
        AssertNotNarrated(finished);
        Assert.Equal("completed", finished.GetProperty("status").GetString());
        Assert.Equal(accepted.GetProperty("timeline").GetProperty("start_time").GetDateTimeOffset(), finished.GetProperty("timeline").GetProperty("start_time").GetDateTimeOffset());
        Assert.True(finished.GetProperty("timeline").GetProperty("end_time").GetDateTimeOffset() >= finished.GetProperty("timeline").GetProperty("start_time").GetDateTimeOffset());
        Assert.DoesNotContain("Narration", fixture.App.LogTail("apiservice", 2000));
    }

    [Fact]
    public async Task Config_says_narration_is_off_and_the_audio_socket_closes_saying_why()
    {
        var ct = Timeout();
        using var api = fixture.Api();
        var config = await api.GetFromJsonAsync<JsonElement>("/api/config", ct);
        await using var socket = await AudioClient.ConnectAsync(fixture.App.GetEndpoint("apiservice"), await InitAsync(api, ct), ct);

        Assert.False(config.GetProperty("features").GetProperty("narration").GetBoolean());
        Assert.False(config.GetProperty("features").GetProperty("narration_llm").GetBoolean());
        Assert.Null(await socket.ReceiveAsync(ct));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.Socket.CloseStatus);
        Assert.Contains("narration is turned off", socket.Socket.CloseStatusDescription);
    }

    private static void AssertNotNarrated(JsonElement operation)
    {
        Assert.Equal(JsonValueKind.Null, operation.GetProperty("narration_error").ValueKind);
        Assert.Equal(JsonValueKind.Null, operation.GetProperty("audio_urls").GetProperty("main").ValueKind);
        Assert.Equal(JsonValueKind.Null, operation.GetProperty("response").GetProperty("transformed_text").ValueKind);
        Assert.Equal(JsonValueKind.Null, operation.GetProperty("response").GetProperty("audio_url").ValueKind);
        Assert.Equal("""{"chunk_count":0,"total_bytes":0,"chunks_streamed":0,"streaming_enabled":false}""", operation.GetProperty("stats").GetRawText());
    }
}
