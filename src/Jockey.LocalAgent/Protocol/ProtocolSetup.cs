namespace Jockey.LocalAgent.Protocol;

public static class ProtocolSetup
{
    /// <summary>Threads and runs in memory (bounded by LocalAgent:MaxThreads) and the SSE writer.</summary>
    public static IHostApplicationBuilder AddLangGraphProtocol(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ThreadStore>();
        builder.Services.AddSingleton<RunManager>();
        builder.Services.AddSingleton<SseStream>();
        return builder;
    }
}
