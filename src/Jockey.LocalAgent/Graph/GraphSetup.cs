namespace Jockey.LocalAgent.Graph;

public static class GraphSetup
{
    /// <summary>The jockey graph: rule-based planner and reflect, with the optional LLM from LocalAgent:Llm.</summary>
    public static IHostApplicationBuilder AddJockeyGraph(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LlmAssistant>();
        builder.Services.AddSingleton<Workers>();
        builder.Services.AddSingleton<Reflector>();
        builder.Services.AddSingleton<JockeyGraph>();
        return builder;
    }
}
