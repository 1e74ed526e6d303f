using System.Net;
using Jockey.ApiService.Narration;
using Microsoft.Extensions.DependencyInjection;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Narration;

/// <summary>The optional OpenAI-compatible parts: the script rewrite (with its fallback) and the speech engine.</summary>
[Collection(NarrationCollection.Name)]
public sealed class OpenAiNarrationTests(NarrationFixture fixture) : IAsyncDisposable
{
    private readonly FakeOpenAiServer _openAi = new();


    private (string, string)[] Llm(string timeout = "00:00:04") =>
    [
        ("Narration:Llm:Endpoint", _openAi.BaseAddress.ToString()), ("Narration:Llm:Model", "narrator"),
        ("Narration:Llm:ApiKey", "sk-test"), ("Narration:Llm:Timeout", timeout),
    ];

    [Fact]
    public async Task Llm_rewrite_becomes_the_script_with_numbers_still_written_out()
    {
        _openAi.ChatReply = "Here come 3 sunrise clips.";
        using var host = fixture.BuildNarratorHost(Llm());

        var script = await host.Services.GetRequiredService<ScriptWriter>().WriteAsync("sunrise x3 pls", Timeout());

        Assert.Equal("Here come three sunrise clips.", script);
        var (path, authorization, body) = Assert.Single(_openAi.Requests);
        Assert.Equal("/v1/chat/completions", path);
        Assert.Equal("Bearer sk-test", authorization);
        Assert.Equal("narrator", body.GetProperty("model").GetString());
        Assert.Contains(body.GetProperty("messages").EnumerateArray(), m => m.GetProperty("content").GetString() == "sunrise x3 pls");
    }

    [Fact]
    public async Task Llm_error_falls_back_to_the_rules()
    {
        _openAi.ChatReply = null;
        using var host = fixture.BuildNarratorHost(Llm());

        var script = await host.Services.GetRequiredService<ScriptWriter>().WriteAsync("find 2 goals", Timeout());

        Assert.Equal("Sure — looking for two goals.", script);
        Assert.NotEmpty(_openAi.Requests);
    }

    [Fact]
    public async Task Llm_slower_than_its_timeout_falls_back_to_the_rules()
    {
        _openAi.ChatDelay = TimeSpan.FromSeconds(10);
        using var host = fixture.BuildNarratorHost(Llm(timeout: "00:00:00.500"));

        var script = await host.Services.GetRequiredService<ScriptWriter>().WriteAsync("find 2 goals", Timeout());

        Assert.Equal("Sure — looking for two goals.", script);
    }

    [Fact]
    public async Task Llm_reading_the_request_back_falls_back_to_the_rules()
    {
        const string request = "Make a 20-second montage of the sunrise shots over the harbour";
        _openAi.ChatReply = "Make a twenty-second montage of the sunrise shots over the harbour.";
        using var host = fixture.BuildNarratorHost(Llm());

        var script = await host.Services.GetRequiredService<ScriptWriter>().WriteAsync(request, Timeout());

        Assert.Equal("Sure — a twenty-second montage of the sunrise shots over the harbour, coming up.", script);
    }

    [Fact]
    public async Task A_long_llm_answer_is_cut_to_about_twenty_seconds_of_speech()
    {
        _openAi.ChatReply = string.Concat(Enumerable.Repeat("Sure, here comes a calm montage of the sea. ", 40));
        using var host = fixture.BuildNarratorHost(Llm());

        var script = await host.Services.GetRequiredService<ScriptWriter>().WriteAsync("montage of the sea", Timeout());

        // 20 s at espeak-ng's 170 words a minute.
        Assert.InRange(script.Split(' ').Length, 1, 56);
        Assert.EndsWith("sea.", script);
    }

    [Fact]
    public async Task Openai_speech_engine_streams_its_pcm_at_24_khz_and_stores_it()
    {
        var ct = Timeout();
        var threadId = await fixture.CreateThreadAsync(ct);
        await using var client = await AudioClient.ConnectAsync(fixture.Replica(1), threadId, ct);
        await client.ReceiveJsonAsync(ct);
        using var host = fixture.BuildNarratorHost(
            ("Narration:Engine", "openai"), ("Narration:OpenAi:Endpoint", _openAi.BaseAddress.ToString()),
            ("Narration:OpenAi:ApiKey", "sk-test"), ("Narration:OpenAi:Voice", "verse"));

        var narrating = host.Services.GetRequiredService<INarrator>().NarrateAsync(threadId, Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), "Show me 2 goals.", ct);
        var heard = await client.ReceiveNarrationAsync(ct);
        var result = await narrating;

        Assert.Null(result.Error);
        Assert.Equal(24000, heard.Started.GetProperty("format").GetProperty("sample_rate").GetInt32());
        Assert.Equal(_openAi.SpeechPcm, heard.Pcm);
        Assert.All(heard.Chunks, c => Assert.InRange(c.Length, 1, 4800));
        var (_, _, body) = Assert.Single(_openAi.Requests, r => r.Path == "/v1/audio/speech");
        Assert.Equal("Sure — looking for two goals.", body.GetProperty("input").GetString());
        Assert.Equal("pcm", body.GetProperty("response_format").GetString());
        Assert.Equal("verse", body.GetProperty("voice").GetString());
        using var http = new HttpClient();
        var stored = await NarrationFixture.ProbeDurationAsync(await http.GetByteArrayAsync(result.AudioUrl, ct), ct);
        Assert.InRange((stored - TimeSpan.FromSeconds(1)).Duration().TotalMilliseconds, 0, 50);
    }

    [Fact]
    public async Task Speech_server_refusal_fails_the_narration_naming_the_settings_to_check()
    {
        _openAi.SpeechStatus = HttpStatusCode.Unauthorized;

        var result = await NarrateWithOpenAiSpeechAsync();

        Assert.Equal("synthesis_failed", result.ErrorCode);
        Assert.Contains("401", result.Error);
        Assert.Contains("Incorrect API key", result.Error);
        Assert.Contains("ApiKey", result.Error);
    }

    [Fact]
    public async Task A_speech_server_error_is_not_retried_so_the_text_is_synthesized_and_billed_once()
    {
        _openAi.SpeechStatus = HttpStatusCode.ServiceUnavailable;

        var result = await NarrateWithOpenAiSpeechAsync();

        Assert.Equal("synthesis_failed", result.ErrorCode);
        Assert.Contains("503", result.Error);
        Assert.Single(_openAi.Requests, r => r.Path == "/v1/audio/speech");
    }

    [Fact]
    public async Task A_speech_server_that_does_not_answer_in_time_fails_the_narration_without_throwing()
    {
        _openAi.SpeechDelay = TimeSpan.FromSeconds(30);

        var result = await NarrateWithOpenAiSpeechAsync(("Narration:OpenAi:Timeout", "00:00:01"));

        Assert.Equal("synthesis_failed", result.ErrorCode);
        Assert.Contains("did not start answering within 1 s (Narration:OpenAi:Timeout)", result.Error);
    }

    /// <summary>Narrates "Hello." on a new thread with the OpenAI speech engine pointed at the fake.</summary>
    private async Task<NarrationResult> NarrateWithOpenAiSpeechAsync(params (string Key, string Value)[] settings)
    {
        var ct = Timeout();
        using var host = fixture.BuildNarratorHost([("Narration:Engine", "openai"), ("Narration:OpenAi:Endpoint", _openAi.BaseAddress.ToString()), .. settings]);
        return await host.Services.GetRequiredService<INarrator>().NarrateAsync(await fixture.CreateThreadAsync(ct), Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), "Hello.", ct);
    }

    public ValueTask DisposeAsync() => _openAi.DisposeAsync();
}
