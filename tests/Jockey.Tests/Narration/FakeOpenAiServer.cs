using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Jockey.Testing;

namespace Jockey.Tests.Narration;

/// <summary>
/// The two OpenAI endpoints narration calls, over real HTTP: <c>POST /v1/chat/completions</c> and
/// <c>POST /v1/audio/speech</c> (raw 24 kHz PCM, written in pieces the way a streaming TTS server sends it).
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public FakeOpenAiServer()
    {
        var port = PortAllocator.GetFreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/v1/");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>What the chat model answers, or null to answer 500.</summary>
    public string? ChatReply { get; set; } = "Here come three sunrise clips.";

    public TimeSpan ChatDelay { get; set; }

    public HttpStatusCode SpeechStatus { get; set; } = HttpStatusCode.OK;

    /// <summary>How long the speech endpoint thinks before it answers (sends its headers).</summary>
    public TimeSpan SpeechDelay { get; set; }

    private TaskCompletionSource? _speechHold;

    /// <summary>From now on speech stops halfway through the audio until <see cref="ReleaseSpeech"/>: a synthesis in progress.</summary>
    public void HoldSpeechHalfway() => _speechHold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseSpeech() => _speechHold?.TrySetResult();

    /// <summary>One second of a 440 Hz tone, s16le mono at 24 kHz.</summary>
    public byte[] SpeechPcm { get; } = Tone(TimeSpan.FromSeconds(1));

    public ConcurrentQueue<(string Path, string? Authorization, JsonElement Body)> Requests { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        var body = (await JsonDocument.ParseAsync(context.Request.InputStream)).RootElement.Clone();
        var path = context.Request.Url!.AbsolutePath;
        Requests.Enqueue((path, context.Request.Headers["Authorization"], body));
        if (path == "/v1/chat/completions") await ChatAsync(response);
        else if (path == "/v1/audio/speech") await SpeechAsync(response);
        else response.StatusCode = 404;
    }

    private async Task ChatAsync(HttpListenerResponse response)
    {
        await Task.Delay(ChatDelay);
        if (ChatReply is null)
        {
            await WriteJsonAsync(response, 500, new { error = new { message = "model overloaded", type = "server_error" } });
            return;
        }
        await WriteJsonAsync(response, 200, new
        {
            id = "chatcmpl-1", @object = "chat.completion", created = 1_700_000_000, model = "narrator",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = ChatReply }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 10, completion_tokens = 8, total_tokens = 18 },
        });
    }

    private async Task SpeechAsync(HttpListenerResponse response)
    {
        await Task.Delay(SpeechDelay);
        if (SpeechStatus != HttpStatusCode.OK)
        {
            await WriteJsonAsync(response, (int)SpeechStatus, new { error = new { message = "Incorrect API key provided", type = "invalid_request_error" } });
            return;
        }
        response.ContentType = "audio/pcm";
        response.SendChunked = true;
        // Odd-sized pieces with pauses, as a network delivers them.
        for (var offset = 0; offset < SpeechPcm.Length; offset += 3001)
        {
            if (offset >= SpeechPcm.Length / 2 && _speechHold is { } hold) await hold.Task;
            await response.OutputStream.WriteAsync(SpeechPcm.AsMemory(offset, Math.Min(3001, SpeechPcm.Length - offset)));
            await response.OutputStream.FlushAsync();
            await Task.Delay(5);
        }
    }

    private static async Task WriteJsonAsync(HttpListenerResponse response, int status, object body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body)));
    }

    private static byte[] Tone(TimeSpan duration)
    {
        var samples = (int)(24000 * duration.TotalSeconds);
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            BitConverter.TryWriteBytes(pcm.AsSpan(i * 2), (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 24000)));
        }
        return pcm;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
