using System.Net.WebSockets;
using System.Text.Json;
using Jockey.ApiService.Narration;
using Jockey.Testing;
using Jockey.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Narration;

/// <summary>What listeners and callers see when narration cannot work or a client misbehaves; the API keeps serving.</summary>
[Collection(NarrationCollection.Name)]
public sealed class NarrationFailureTests(NarrationFixture fixture)
{

    [Fact]
    public async Task Missing_espeak_marks_the_narration_failed_with_the_fix_and_the_run_still_completes()
    {
        var ct = Timeout(120);
        await using var jockey = await FakeJockeyServer.StartAsync();
        await using var app = await TestingApp.StartAsync(o =>
        {
            o.JockeyUrl = jockey.BaseAddress;
            o.Only("apiservice");
            o.Environment("apiservice", "Narration__EspeakPath", "/nonexistent/espeak-ng");
        }, ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);
        using var api = app.CreateHttpClient("apiservice");
        var threadId = await InitAsync(api, ct);

        var operation = await ProcessAsync(api, threadId, "Show me 2 goals.", ct);
        var operationId = operation.GetProperty("operation_id").GetString()!;
        var events = await ReadMessagesAsync(StreamAsync(api, threadId, 0, ct), EndOf(operationId));

        Assert.Equal("processing", operation.GetProperty("status").GetString());
        Assert.Contains("espeak-ng not found", operation.GetProperty("narration_error").GetString());
        Assert.Contains("./scripts/dev.sh", operation.GetProperty("narration_error").GetString());
        Assert.Equal(JsonValueKind.Null, operation.GetProperty("audio_urls").GetProperty("main").ValueKind);
        Assert.Equal("Sure — looking for two goals.", operation.GetProperty("response").GetProperty("transformed_text").GetString());
        // Both narrations fail the same way (the result's too); neither stops the run.
        var narrations = events.Where(e => Name(e) == "narration").ToList();
        Assert.Equal(["request", "result"], narrations.Select(n => n.GetProperty("data").GetProperty("kind").GetString()));
        Assert.All(narrations, n => Assert.Contains("./scripts/dev.sh", n.GetProperty("data").GetProperty("error").GetString()));
        Assert.Equal("completed", Name(events[^1]));
    }

    [Fact]
    public async Task Missing_espeak_sends_an_error_frame_with_the_fix_to_listeners()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var client = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await client.ReceiveJsonAsync(ct);
        using var host = fixture.BuildNarratorHost(("Narration:EspeakPath", "/nonexistent/espeak-ng"));
        var operationId = Guid.NewGuid().ToString("N");

        var result = await host.Services.GetRequiredService<INarrator>().NarrateAsync(threadId, operationId, Guid.NewGuid().ToString("N"), "Show me goals.", ct);
        var frame = await client.ReceiveJsonAsync(ct);

        Assert.Equal("engine_not_found", result.ErrorCode);
        Assert.Contains("espeak-ng not found", result.Error);
        Assert.Contains("./scripts/dev.sh", result.Error);
        Assert.Null(result.AudioUrl);
        Assert.Equal("Sure — looking for goals.", result.TransformedText);
        Assert.Equal("error", frame.GetProperty("type").GetString());
        Assert.Equal("engine_not_found", frame.GetProperty("code").GetString());
        Assert.Equal(operationId, frame.GetProperty("operation_id").GetString());
        Assert.Equal(result.Error, frame.GetProperty("message").GetString());
        await AssertServingAsync(client, ct);
    }

    [Fact]
    public async Task Unknown_voice_fails_with_espeaks_own_message()
    {
        var ct = Timeout();
        using var host = fixture.BuildNarratorHost(("Narration:Voice", "xx-nosuchvoice"));

        var result = await host.Services.GetRequiredService<INarrator>().NarrateAsync(await fixture.CreateThreadAsync(ct), Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), "Hello.", ct);

        Assert.Equal("synthesis_failed", result.ErrorCode);
        Assert.Contains("voice does not exist", result.Error);
        Assert.Contains("Narration:Voice", result.Error);
    }

    [Fact]
    public async Task Missing_ffmpeg_still_streams_the_audio_but_reports_storage_failed_with_the_fix()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var client = await AudioClient.ConnectAsync(fixture.Replica(1), threadId, ct);
        await client.ReceiveJsonAsync(ct);
        using var host = fixture.BuildNarratorHost(("Narration:FfmpegPath", "/nonexistent/ffmpeg"));

        var result = await host.Services.GetRequiredService<INarrator>().NarrateAsync(threadId, Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), "Show me goals.", ct);
        var heard = await client.ReceiveNarrationAsync(ct);

        Assert.Equal("encoder_not_found", result.ErrorCode);
        Assert.Contains("./scripts/dev.sh", result.Error);
        Assert.Equal("error", heard.End.GetProperty("type").GetString());
        Assert.Equal("started", heard.Started.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_client_that_never_reads_is_closed_with_1008_and_a_reason_while_another_client_gets_all_the_audio()
    {
        var ct = Timeout(120);
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var stalled = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await using var reader = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await stalled.ReceiveJsonAsync(ct);
        await reader.ReceiveJsonAsync(ct);
        // Minutes of slow speech: far more than the socket and kernel buffers between the API and a client hold.
        using var host = fixture.BuildNarratorHost(("Narration:Rate", "90"), ("Narration:MaxSpokenSeconds", "120"));
        var text = string.Concat(Enumerable.Repeat("The camera follows the waves as the sun climbs over the quiet harbour. ", 55));

        var narrating = host.Services.GetRequiredService<INarrator>().NarrateResultAsync(threadId, Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), text, ct);
        var draining = DrainOnceGivenUpAsync(stalled, threadId, ct);
        var heard = await reader.ReceiveNarrationAsync(ct);
        var result = await narrating;
        var received = await draining;

        Assert.Null(result.Error);
        Assert.Equal(result.TotalBytes, heard.Pcm.Length);
        Assert.True(received < result.TotalBytes, $"the stalled client received all {received} bytes");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, stalled.Socket.CloseStatus);
        Assert.Equal($"client is not reading audio: send buffer full for {NarrationFixture.SlowClientTimeout.TotalSeconds:0} s; reconnect to resume",
            stalled.Socket.CloseStatusDescription);
        await AssertServingAsync(reader, ct);
    }

    /// <summary>
    /// Waits until the API gives up on the stalled socket (its buffer full for SlowClientTimeout; it logs that), then
    /// reads what was already queued and the close frame — the API allows SlowClientTimeout for taking it.
    /// </summary>
    private async Task<long> DrainOnceGivenUpAsync(AudioClient client, string threadId, CancellationToken ct)
    {
        while (!fixture.App.LogTail("apiservice", 2000).Contains($"Narration socket on thread {threadId} is not reading", StringComparison.Ordinal))
        {
            await Task.Delay(100, ct);
        }
        long bytes = 0;
        while (await client.ReceiveAsync(ct) is { } frame) bytes += frame.Pcm?.Length ?? 0;
        return bytes;
    }

    private static async Task AssertServingAsync(AudioClient client, CancellationToken ct)
    {
        await client.SendTextAsync("""{"type":"ping"}""", ct);
        Assert.Equal("pong", (await client.ReceiveJsonAsync(ct)).GetProperty("type").GetString());
    }
}
