using System.Net.Http.Headers;
using System.Net.Http.Json;
using Jockey.ApiService.Narration;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Speech;

/// <summary>
/// An OpenAI-compatible <c>POST /v1/audio/speech</c> with <c>response_format: "pcm"</c> (raw s16le mono, 24 kHz) under the configured API base (…/v1),
/// read from the response body as it arrives.
/// </summary>
public sealed class OpenAiSpeechSynthesizer(IHttpClientFactory clients, IOptions<NarrationOptions> options) : ISpeechSynthesizer
{
    /// <summary>The named HttpClient (see <see cref="NarrationExtensions.AddNarration"/>): no retries, a deadline for the headers only.</summary>
    public const string HttpClientName = "openai-speech";

    /// <summary>The rate OpenAI's <c>pcm</c> format is defined to have.</summary>
    public const int SampleRate = 24000;

    public async Task<SpeechAudio> SynthesizeAsync(string text, CancellationToken ct)
    {
        var o = options.Value.OpenAi;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(WithSlash(o.Endpoint!), "audio/speech"))
        {
            Content = JsonContent.Create(new { model = o.Model, input = text, voice = o.Voice, response_format = "pcm", speed = o.Speed }),
        };
        if (!string.IsNullOrEmpty(o.ApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new SpeechException("engine_not_found", $"The speech server at {o.Endpoint} is not reachable ({ex.Message}) — check Narration:OpenAi:Endpoint.", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new SpeechException("synthesis_failed",
                $"The speech server at {o.Endpoint} did not start answering within {o.Timeout.TotalSeconds:0.#} s (Narration:OpenAi:Timeout) — check the server, or raise the limit.", ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            throw new SpeechException("synthesis_failed",
                $"The speech server at {o.Endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Shorten(body)} — check Narration:OpenAi:Model, Voice and ApiKey.");
        }
        return new HttpAudio(response, await response.Content.ReadAsStreamAsync(ct));
    }

    /// <summary>The endpoint is the API base (…/v1); a missing trailing slash would drop its last segment.</summary>
    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private sealed class HttpAudio(HttpResponseMessage response, Stream body) : SpeechAudio(AudioFormat.PcmS16Le(SampleRate))
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
        {
            try
            {
                return await body.ReadAsync(buffer, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw new SpeechException("synthesis_failed", $"The speech server's response broke off: {ex.Message} — try again; check the server's logs if it repeats.", ex);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await body.DisposeAsync();
            response.Dispose();
        }
    }
}
