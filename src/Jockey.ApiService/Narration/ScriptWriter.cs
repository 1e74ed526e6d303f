using System.ClientModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Jockey.ApiService.Narration;

/// <summary>
/// Writes the narration script. With <c>Narration:Llm</c> set, a chat model rewrites the request into natural
/// speech; on any error, timeout or empty answer the offline rules are used, and the rules always run last so
/// the engine never meets digits or markup.
/// </summary>
public sealed class ScriptWriter(IOptions<NarrationOptions> options, ILogger<ScriptWriter> logger)
{
    private const string Instructions =
        "You write one or two short sentences that a narrator reads aloud while a video is being made for the user's request. " +
        "Restate what the user asked for in plain spoken English. Write numbers, units and abbreviations out in words; " +
        "no markup, no links, no lists, no quotes around the answer. Reply with the sentences only.";

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
                var response = await _chat.GetResponseAsync(
                    [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, request)],
                    new ChatOptions { Temperature = 0.3f, MaxOutputTokens = 200 }, timeout.Token);
                var script = NarrationScript.FromRequest(response.Text, o.MaxTextLength);
                if (script.Length > 0) return script;
                logger.LogWarning("Narration model {Model} answered with no text; using the rule-based script", o.Llm.Model);
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
        return NarrationScript.FromRequest(request, o.MaxTextLength);
    }

    private static IChatClient? CreateClient(LlmOptions llm) => llm.Enabled
        ? new OpenAI.Chat.ChatClient(llm.Model, new ApiKeyCredential(string.IsNullOrEmpty(llm.ApiKey) ? "none" : llm.ApiKey),
            new OpenAIClientOptions { Endpoint = llm.Endpoint, NetworkTimeout = llm.Timeout }).AsIChatClient()
        : null;
}
