using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Jockey.ApiService.Narration;
using Jockey.ApiService.Threads;
using Jockey.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Narration;

/// <summary><c>POST /api/process</c> and <c>/api/ws/audio/{thread_id}</c> on two API replicas: real espeak-ng, Redis, Azurite and ffmpeg.</summary>
[Collection(NarrationCollection.Name)]
public sealed class NarrationSocketTests(NarrationFixture fixture)
{
    private const string Request = "Find 3 clips of sunrises over the ocean, about 10 s each, e.g. from the 1990s.";


    private INarrator Narrator => fixture.Services.GetRequiredService<INarrator>();

    [Fact]
    public async Task Post_on_one_replica_streams_to_a_socket_on_the_other_and_the_pcm_matches_the_stored_file()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var client = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        var connected = await client.ReceiveJsonAsync(ct);
        Assert.Equal("status", connected.GetProperty("type").GetString());
        Assert.Equal("connected", connected.GetProperty("state").GetString());
        using var apiB = fixture.Api(1);

        var posting = ProcessAsync(apiB, threadId, Request, ct);
        var heard = await client.ReceiveNarrationAsync(ct);
        var operation = await posting;

        var operationId = operation.GetProperty("operation_id").GetString();
        Assert.Equal("started", heard.Started.GetProperty("state").GetString());
        Assert.Equal(operationId, heard.Started.GetProperty("operation_id").GetString());
        var format = heard.Started.GetProperty("format");
        Assert.Equal("pcm_s16le", format.GetProperty("codec").GetString());
        Assert.Equal(22050, format.GetProperty("sample_rate").GetInt32());
        Assert.Equal(1, format.GetProperty("channels").GetInt32());
        // ≤ 100 ms of 22,050 Hz s16le mono each.
        Assert.All(heard.Chunks, c => Assert.InRange(c.Length, 1, 4410));

        Assert.Equal("completed", heard.State());
        Assert.Equal(heard.Chunks.Count, heard.End.GetProperty("chunk_count").GetInt32());
        Assert.Equal(heard.Pcm.Length, heard.End.GetProperty("total_bytes").GetInt64());
        var audioUrl = operation.GetProperty("audio_urls").GetProperty("main").GetString();
        Assert.Equal(audioUrl, heard.End.GetProperty("audio_url").GetString());
        Assert.Equal(audioUrl, operation.GetProperty("response").GetProperty("audio_url").GetString());
        Assert.Equal("Sure — three ten-second clips of sunrises over the ocean, coming up.",
            operation.GetProperty("response").GetProperty("transformed_text").GetString());
        var stats = operation.GetProperty("stats");
        Assert.Equal(heard.Chunks.Count, stats.GetProperty("chunk_count").GetInt32());
        Assert.Equal(heard.Pcm.Length, stats.GetProperty("total_bytes").GetInt64());
        Assert.True(stats.GetProperty("streaming_enabled").GetBoolean());
        // The socket records each chunk it sent before it sends `completed`, so with that frame in hand every chunk counts.
        var current = await GetOperationAsync(apiB, operationId!, ct);
        Assert.Equal(heard.Chunks.Count, current.GetProperty("stats").GetProperty("chunks_streamed").GetInt32());
        var timeline = operation.GetProperty("timeline");
        Assert.True(timeline.GetProperty("end_time").GetDateTimeOffset() > timeline.GetProperty("start_time").GetDateTimeOffset());
        // Keyed by the operation's media id: the link names neither the thread nor the operation.
        Assert.Contains($"/media/{operation.GetProperty("media_id").GetString()}/narration.ogg", audioUrl);
        Assert.DoesNotContain(threadId, audioUrl);

        using var http = new HttpClient();
        var stored = await http.GetByteArrayAsync(audioUrl, ct);
        var storedDuration = await NarrationFixture.ProbeDurationAsync(stored, ct);
        var streamedDuration = TimeSpan.FromSeconds(heard.Pcm.Length / (2.0 * 22050));
        Assert.InRange((storedDuration - streamedDuration).Duration().TotalMilliseconds, 0, 50);
        Assert.True(stored.Length < heard.Pcm.Length / 4, $"stored {stored.Length} bytes for {heard.Pcm.Length} bytes of PCM: not compressed");
    }

    [Fact]
    public async Task Both_narrations_are_events_before_the_end_and_the_result_names_the_videos_length_and_clip_count()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        using var api = fixture.Api(0);

        var operation = await ProcessAsync(api, threadId, Request, ct);
        var operationId = operation.GetProperty("operation_id").GetString()!;
        var events = await ReadMessagesAsync(StreamAsync(api, threadId, 0, ct), EndOf(operationId));
        var finished = await WaitForEndAsync(api, operationId, ct);

        var narrations = events.Where(e => Name(e) == "narration").ToList();
        Assert.Equal(["request", "result"], narrations.Select(n => n.GetProperty("data").GetProperty("kind").GetString()));
        var (narration, result) = (narrations[0], narrations[1]);
        // The fake Jockey renders clips 0–4, 10–13 and 5–7 s: nine seconds of three clips.
        Assert.Equal("Your nine-second video of three clips is ready.", result.GetProperty("data").GetProperty("transformed_text").GetString());
        Assert.True(events.IndexOf(result) < events.Count - 1);
        var spoken = finished.GetProperty("result_narration");
        Assert.Equal(result.GetProperty("data").GetProperty("audio_url").GetString(), spoken.GetProperty("audio_url").GetString());
        Assert.Contains($"/media/{operation.GetProperty("media_id").GetString()}/result-narration.ogg", spoken.GetProperty("audio_url").GetString());
        Assert.True(spoken.GetProperty("stats").GetProperty("total_bytes").GetInt64() > 0);
        Assert.Equal("system", narration.GetProperty("type").GetString());
        Assert.Equal(operation.GetProperty("audio_urls").GetProperty("main").GetString(), narration.GetProperty("data").GetProperty("audio_url").GetString());
        Assert.Equal(operation.GetProperty("response").GetProperty("transformed_text").GetString(), narration.GetProperty("data").GetProperty("transformed_text").GetString());
        Assert.True(events.IndexOf(narration) < events.Count - 1);
        Assert.Equal("completed", finished.GetProperty("status").GetString());
        Assert.Equal(operation.GetProperty("audio_urls").GetProperty("main").GetString(), finished.GetProperty("audio_urls").GetProperty("main").GetString());
        Assert.Equal(operation.GetProperty("stats").GetProperty("total_bytes").GetInt64(), finished.GetProperty("stats").GetProperty("total_bytes").GetInt64());
    }

    [Fact]
    public async Task A_socket_hears_the_acknowledgement_then_the_result_each_with_its_own_pcm_and_stats()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var client = await AudioClient.ConnectAsync(fixture.Replica(1), threadId, ct);
        await client.ReceiveJsonAsync(ct);
        using var api = fixture.Api(0);

        var operation = await ProcessAsync(api, threadId, Request, ct);
        var operationId = operation.GetProperty("operation_id").GetString()!;
        var first = await client.ReceiveNarrationAsync(ct);
        var second = await client.ReceiveNarrationAsync(ct);
        var finished = await WaitForEndAsync(api, operationId, ct);

        Assert.Equal(["request", "result"], new[] { first, second }.Select(n => n.Started.GetProperty("kind").GetString()));
        Assert.All(new[] { first, second }, n => Assert.Equal(operationId, n.Started.GetProperty("operation_id").GetString()));
        Assert.Equal(["completed", "completed"], new[] { first.State(), second.State() });
        Assert.Equal("result", second.End.GetProperty("kind").GetString());
        Assert.NotEmpty(second.Chunks);
        Assert.Equal(operation.GetProperty("stats").GetProperty("total_bytes").GetInt64(), first.Pcm.Length);
        var stats = finished.GetProperty("result_narration").GetProperty("stats");
        Assert.Equal(second.Pcm.Length, stats.GetProperty("total_bytes").GetInt64());
        Assert.Equal(second.Chunks.Count, stats.GetProperty("chunk_count").GetInt32());
        Assert.Equal(second.Chunks.Count, stats.GetProperty("chunks_streamed").GetInt32());
        Assert.True(stats.GetProperty("streaming_enabled").GetBoolean());
        Assert.Equal(second.End.GetProperty("audio_url").GetString(), finished.GetProperty("result_narration").GetProperty("audio_url").GetString());
    }

    [Fact]
    public async Task Sockets_on_both_replicas_get_the_same_audio()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var a = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await using var b = await AudioClient.ConnectAsync(fixture.Replica(1), threadId, ct);
        await a.ReceiveJsonAsync(ct);
        await b.ReceiveJsonAsync(ct);
        using var api = fixture.Api(1);

        var operation = await ProcessAsync(api, threadId, Request, ct);
        var onA = await a.ReceiveNarrationAsync(ct);
        var onB = await b.ReceiveNarrationAsync(ct);

        Assert.Equal(operation.GetProperty("stats").GetProperty("total_bytes").GetInt64(), onA.Pcm.Length);
        Assert.Equal(onA.Pcm, onB.Pcm);
        Assert.Equal("completed", onB.State());
    }

    [Fact]
    public async Task Late_joiner_gets_the_narration_from_its_start()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        using var api = fixture.Api(0);
        var operation = await ProcessAsync(api, threadId, Request, ct);

        await using var late = await AudioClient.ConnectAsync(fixture.Replica(1), threadId, ct);
        Assert.Equal("connected", (await late.ReceiveJsonAsync(ct)).GetProperty("state").GetString());
        var heard = await late.ReceiveNarrationAsync(ct);

        var stats = operation.GetProperty("stats");
        Assert.False(stats.GetProperty("streaming_enabled").GetBoolean());
        Assert.Equal(0, stats.GetProperty("chunks_streamed").GetInt32());
        Assert.Equal(operation.GetProperty("operation_id").GetString(), heard.Started.GetProperty("operation_id").GetString());
        // The request's narration first, even when the result's starts while the socket subscribes (it then is announced first).
        Assert.Equal("request", heard.Started.GetProperty("kind").GetString());
        Assert.Equal(stats.GetProperty("total_bytes").GetInt64(), heard.Pcm.Length);
        Assert.Equal(stats.GetProperty("chunk_count").GetInt32(), heard.Chunks.Count);
        Assert.Equal(operation.GetProperty("audio_urls").GetProperty("main").GetString(), heard.End.GetProperty("audio_url").GetString());
    }

    [Fact]
    public async Task Late_joiner_during_synthesis_gets_the_audio_from_its_start_then_live()
    {
        var ct = Timeout();
        await using var openAi = new FakeOpenAiServer();
        openAi.HoldSpeechHalfway();
        using var host = fixture.BuildNarratorHost(("Narration:Engine", "openai"), ("Narration:OpenAi:Endpoint", openAi.BaseAddress.ToString()));
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var early = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await early.ReceiveJsonAsync(ct);

        var narrating = host.Services.GetRequiredService<INarrator>().NarrateAsync(threadId, Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), "Show me 2 goals.", ct);
        Assert.Equal("started", (await early.ReceiveJsonAsync(ct)).GetProperty("state").GetString());
        Assert.NotNull((await early.ReceiveAsync(ct))!.Pcm);
        await using var late = await AudioClient.ConnectAsync(fixture.Replica(1), threadId, ct);
        Assert.Equal("connected", (await late.ReceiveJsonAsync(ct)).GetProperty("state").GetString());
        // The speech server is holding the second half back: synthesis is still going on.
        Assert.False(narrating.IsCompleted);
        openAi.ReleaseSpeech();
        var heard = await late.ReceiveNarrationAsync(ct);
        var result = await narrating;

        Assert.Null(result.Error);
        Assert.Equal(result.TotalBytes, heard.Pcm.Length);
        Assert.Equal(openAi.SpeechPcm, heard.Pcm);
        Assert.Equal(result.ChunkCount, heard.Chunks.Count);
        Assert.Equal("completed", heard.State());
    }

    [Fact]
    public async Task Bad_frames_get_error_frames_and_the_socket_stays_open()
    {
        var ct = Timeout();
        await using var client = await AudioClient.ConnectAsync(fixture.Replica(0), await fixture.CreateThreadAsync(ct), ct);
        await client.ReceiveJsonAsync(ct);

        await client.SendTextAsync("this is not json", ct);
        await AssertErrorAsync(client, "bad_frame", ct);
        await client.SendTextAsync("""{"type":"dance"}""", ct);
        await AssertErrorAsync(client, "bad_frame", ct);
        await client.SendTextAsync("""{"type":"cancel"}""", ct);
        await AssertErrorAsync(client, "bad_frame", ct);
        await client.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, ct);
        await AssertErrorAsync(client, "bad_frame", ct);
        await client.SendTextAsync(new string('x', 10_000), ct);
        await AssertErrorAsync(client, "frame_too_large", ct);

        await client.SendTextAsync("""{"type":"ping"}""", ct);
        Assert.Equal("pong", (await client.ReceiveJsonAsync(ct)).GetProperty("type").GetString());
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task Cancel_stops_that_operations_audio_on_this_socket_only()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var quiet = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await using var other = await AudioClient.ConnectAsync(fixture.Replica(0), threadId, ct);
        await quiet.ReceiveJsonAsync(ct);
        await other.ReceiveJsonAsync(ct);
        var operationId = Guid.NewGuid().ToString("N");

        await quiet.SendTextAsync(JsonSerializer.Serialize(new { type = "cancel", operation_id = operationId }), ct);
        var cancelled = await quiet.ReceiveJsonAsync(ct);
        var result = await Narrator.NarrateAsync(threadId, operationId, Guid.NewGuid().ToString("N"), Request, ct);
        await quiet.SendTextAsync("""{"type":"ping"}""", ct);

        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.Equal(operationId, cancelled.GetProperty("operation_id").GetString());
        Assert.Equal("pong", (await quiet.ReceiveJsonAsync(ct)).GetProperty("type").GetString());
        Assert.Equal(result.TotalBytes, (await other.ReceiveNarrationAsync(ct)).Pcm.Length);
    }

    [Fact]
    public async Task Unknown_thread_is_closed_with_1008_and_a_reason()
    {
        var ct = Timeout();
        var unknown = ThreadStore.NewId();
        await using var client = await AudioClient.ConnectAsync(fixture.Replica(0), unknown, ct);
        await using var malformed = await AudioClient.ConnectAsync(fixture.Replica(1), "no such thread!", ct);

        Assert.Null(await client.ReceiveAsync(ct));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.Socket.CloseStatus);
        Assert.Contains($"Thread '{unknown}' does not exist or has expired", client.Socket.CloseStatusDescription);
        Assert.Null(await malformed.ReceiveAsync(ct));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, malformed.Socket.CloseStatus);
        Assert.Contains("not a valid thread id", malformed.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task Plain_http_request_gets_a_problem_saying_a_websocket_is_needed()
    {
        using var http = fixture.App.CreateHttpClient("apiservice", replica: 0);

        var ct = Timeout();
        using var response = await http.GetAsync($"/api/ws/audio/{await fixture.CreateThreadAsync(ct)}", ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task AssertErrorAsync(AudioClient client, string code, CancellationToken ct)
    {
        var frame = await client.ReceiveJsonAsync(ct);
        Assert.Equal("error", frame.GetProperty("type").GetString());
        Assert.Equal(code, frame.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(frame.GetProperty("message").GetString()));
    }
}
