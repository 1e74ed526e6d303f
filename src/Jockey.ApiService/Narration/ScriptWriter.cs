using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Jockey.ApiService.Narration;

/// <summary>
/// Writes what Jockey says as it takes a request on: a short acknowledgement in its own voice, never the request read
/// back. With <c>Narration:Llm</c> set, a chat model writes it; on any error, timeout, empty answer or an answer that
/// repeats the request the offline rules (<see cref="Acknowledgement"/>) are used. The script rules always run last so
/// the engine never meets digits or markup, and the cap (<see cref="NarrationOptions.MaxSpokenSeconds"/>) holds
/// whatever the request's length.
/// </summary>
public sealed class ScriptWriter(IOptions<NarrationOptions> options, ILogger<ScriptWriter> logger)
{
    private const string Instructions =
        "You are Jockey, a video agent. A person has just asked you for a video. Reply with one short sentence that you say " +
        "aloud as you start, in your own voice, naming what you will make — for example: Sure — a twenty-second montage of " +
        "sunrises, coming up. Never repeat or read back the request. At most twenty words. Write numbers and units out in " +
        "words; no markup, no links, no lists, no quotes around the answer.";

    /// <summary>Enough of a request for the model to know what is asked; the rest only costs time.</summary>
    private const int MaxRequestCharsForModel = 2000;

    /// <summary>This many words in a row taken from the request count as reading it back.</summary>
    private const int ReadBackWords = 6;

    private readonly IChatClient? _chat = CreateClient(options.Value.Llm);

    public async Task<string> WriteAsync(string request, CancellationToken ct)
    {
        var o = options.Value;
        if (_chat is not null)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.Llm.Timeout);
            try
            {
                var asked = request.Length > MaxRequestCharsForModel ? request[..MaxRequestCharsForModel] : request;
                var response = await _chat.GetResponseAsync(
                    [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, asked)],
                    new ChatOptions { Temperature = 0.3f, MaxOutputTokens = 120 }, timeout.Token);
                var script = Speakable(response.Text);
                if (script.Length > 0 && !ReadsBack(script, Speakable(request))) return script;
                logger.LogWarning("Narration model {Model} answered with no text or with the request read back; using the rule-based script", o.Llm.Model);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Narration model {Model} did not answer within {Timeout}; using the rule-based script", o.Llm.Model, o.Llm.Timeout);
            }
            catch (Exception ex) when (ex is ClientResultException or HttpRequestException or InvalidOperationException or System.Text.Json.JsonException)
            {
                logger.LogWarning(ex, "Narration model {Model} at {Endpoint} failed; using the rule-based script", o.Llm.Model, o.Llm.Endpoint);
            }
        }
        return Speakable(Acknowledgement.Write(request));
    }

    /// <summary>The spoken form of a script, within the length a narration may take.</summary>
    public string Speakable(string text) =>
        NarrationScript.Cap(NarrationScript.FromRequest(text, options.Value.MaxTextLength), options.Value.MaxSpokenWords);

    /// <summary>Whether the script repeats <see cref="ReadBackWords"/> words of the request in a row.</summary>
    private static bool ReadsBack(string script, string request)
    {
        static string[] Words(string s) => s.ToLowerInvariant().Split([' ', '.', ',', '!', '?', ';', ':', '—', '-'], StringSplitOptions.RemoveEmptyEntries);
        // A request shorter than that is too short to tell a read-back from an answer that names what was asked.
        var asked = Words(request);
        var runs = Enumerable.Range(0, Math.Max(0, asked.Length - ReadBackWords + 1)).Select(i => string.Join(' ', asked, i, ReadBackWords)).ToHashSet();
        var said = Words(script);
        return Enumerable.Range(0, Math.Max(0, said.Length - ReadBackWords + 1)).Any(i => runs.Contains(string.Join(' ', said, i, ReadBackWords)));
    }

    private static IChatClient? CreateClient(LlmOptions llm) => llm.Enabled
        ? new OpenAI.Chat.ChatClient(llm.Model, new ApiKeyCredential(string.IsNullOrEmpty(llm.ApiKey) ? "none" : llm.ApiKey),
            // One retry, not the client's three with growing pauses: the rules answer at once when the model fails.
            new OpenAIClientOptions { Endpoint = llm.Endpoint, NetworkTimeout = llm.Timeout, RetryPolicy = new ClientRetryPolicy(maxRetries: 1) }).AsIChatClient()
        : null;
}
