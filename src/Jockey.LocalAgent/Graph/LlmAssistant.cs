using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using AiMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Jockey.LocalAgent.Graph;

/// <summary>
/// Optional: plans and reflects through an OpenAI-compatible chat endpoint (LocalAgent:Llm). Every method returns
/// null on any failure or when no endpoint is configured, and the caller falls back to the rules.
/// </summary>
public sealed class LlmAssistant(IOptions<LocalAgentOptions> options, ILogger<LlmAssistant> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly Lazy<IChatClient?> _client = new(() => Create(options.Value.Llm));

    private static IChatClient? Create(LlmOptions llm) => !llm.IsConfigured ? null :
        new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(llm.ApiKey) ? "none" : llm.ApiKey),
                new OpenAIClientOptions
                {
                    Endpoint = new Uri(llm.Endpoint!),
                    // One retry, not the client's three with growing pauses: a run waits on the model, and the rules
                    // answer as well when it is down — three kept a person waiting ~15 s per run on a failing endpoint.
                    RetryPolicy = new ClientRetryPolicy(maxRetries: 1),
                })
            .GetChatClient(llm.Model).AsIChatClient();

    public async Task<PlanRequest?> PlanAsync(string text, bool hasVideo, CancellationToken ct)
    {
        var answer = await AskAsync(
            "You route requests for a video agent. Reply with JSON only: {\"intent\": one of search|montage|text|shorter|drop_clip|add_clip|help, " +
            "\"query\": the content words to search for, \"ordinal\": 1-based clip number for drop_clip (-1 for last), \"text_kind\": summary|gist|title}. " +
            (hasVideo ? "The thread already has a rendered video, so follow-ups (shorter, drop, add) are possible." : "No video exists yet in this thread."),
            text, ct);
        if (answer is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(answer.Trim().Trim('`').Replace("json\n", ""));
            var root = doc.RootElement;
            var intent = root.GetProperty("intent").GetString() switch
            {
                "search" => Intent.Search, "montage" => Intent.Montage, "text" => Intent.Text, "shorter" => Intent.Shorter,
                "drop_clip" => Intent.DropClip, "add_clip" => Intent.AddClip, "help" => Intent.Help, _ => (Intent?)null,
            };
            if (intent is null || (!hasVideo && intent is Intent.Shorter or Intent.DropClip or Intent.AddClip)) return null;
            var query = root.TryGetProperty("query", out var q) ? q.GetString() ?? text : text;
            int? ordinal = root.TryGetProperty("ordinal", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetInt32() : null;
            var kind = root.TryGetProperty("text_kind", out var k) ? k.GetString() ?? "summary" : "summary";
            if (intent == Intent.DropClip && ordinal is null) return null;
            return new PlanRequest(intent.Value, query, ordinal, kind);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            logger.LogWarning("The LLM's plan was not usable ({Reason}); using the rules", ex.Message);
            return null;
        }
    }

    /// <summary>A friendlier wording of the rule-based answer; facts come only from it.</summary>
    public Task<string?> ReflectAsync(string userText, string facts, CancellationToken ct) => AskAsync(
        "You are Jockey, a video agent. Answer the user in at most four sentences using only these facts; keep file names and numbers exact.\n" + facts,
        userText, ct);

    private async Task<string?> AskAsync(string system, string user, CancellationToken ct)
    {
        if (_client.Value is not { } client) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            var response = await client.GetResponseAsync([new AiMessage(ChatRole.System, system), new AiMessage(ChatRole.User, user)], cancellationToken: timeout.Token);
            return string.IsNullOrWhiteSpace(response.Text) ? null : response.Text;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("The LLM at {Endpoint} failed ({Reason}); using the rules", options.Value.Llm.Endpoint, ex.Message);
            return null;
        }
    }
}
