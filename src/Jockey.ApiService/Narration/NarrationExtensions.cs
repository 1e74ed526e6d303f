using Jockey.ApiService.Speech;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Narration;

public static class NarrationExtensions
{
    /// <summary>
    /// Narration: the script writer, the speech engine (<c>Narration:Engine</c>), the Redis audio relay, storage
    /// and <see cref="INarrator"/>. Needs the app's Redis multiplexer, <c>AddRuns</c> (threads) and <c>AddMedia</c> (blobs).
    /// </summary>
    public static IHostApplicationBuilder AddNarration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NarrationOptions>()
            .BindConfiguration(NarrationOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Engine != "openai" || o.OpenAi.Endpoint is not null,
                "Narration:OpenAi:Endpoint is required when Narration:Engine is openai (an OpenAI-compatible API base such as https://api.openai.com/v1).")
            .Validate(o => o.Llm.Endpoint is null || !string.IsNullOrWhiteSpace(o.Llm.Model),
                "Narration:Llm:Model is required when Narration:Llm:Endpoint is set.")
            .Validate(o => o.Llm.Timeout > TimeSpan.Zero && o.Llm.Timeout <= TimeSpan.FromSeconds(30),
                "Narration:Llm:Timeout must be between 0 and 30 seconds; the narration waits for it.")
            .Validate(o => o.OpenAi.Timeout > TimeSpan.Zero && o.OpenAi.Timeout <= TimeSpan.FromMinutes(5),
                "Narration:OpenAi:Timeout must be between 0 and 5 minutes.")
            .ValidateOnStart();

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        // The standard resilience handler does not fit a streamed synthesis: a retry would synthesize (and bill) the
        // whole text again, and its 10 s attempt timeout cuts a long text before the server starts answering.
        // HttpClient.Timeout bounds only the wait for the headers here (ResponseHeadersRead); the audio streams on.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is exactly what is needed.
        services.AddHttpClient(OpenAiSpeechSynthesizer.HttpClientName, (sp, http) =>
                http.Timeout = sp.GetRequiredService<IOptions<NarrationOptions>>().Value.OpenAi.Timeout)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddSingleton<ISpeechSynthesizer>(sp => sp.GetRequiredService<IOptions<NarrationOptions>>().Value.Engine == "openai"
            ? ActivatorUtilities.CreateInstance<OpenAiSpeechSynthesizer>(sp)
            : ActivatorUtilities.CreateInstance<EspeakSynthesizer>(sp));
        services.AddSingleton<ScriptWriter>();
        services.AddSingleton<AudioRelay>();
        services.AddSingleton<AudioListeners>();
        services.AddSingleton<NarrationStorage>();
        services.AddSingleton<INarrator, Narrator>();
        return builder;
    }
}
