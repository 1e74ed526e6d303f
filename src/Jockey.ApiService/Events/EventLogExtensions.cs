using Jockey.ApiService.Infrastructure;
using Jockey.ApiService.Processing;
using Jockey.ApiService.Threads;

namespace Jockey.ApiService.Events;

public static class EventLogExtensions
{
    /// <summary>Threads, operations and their event log in Redis, and the runs that write them.</summary>
    public static IHostApplicationBuilder AddRuns(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventLogOptions>().BindConfiguration("EventLog").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ThreadStore>();
        builder.Services.AddSingleton<ThreadShares>();
        builder.Services.AddSingleton<OperationStore>();
        builder.Services.AddSingleton<RedisOutage>();
        builder.Services.AddSingleton<ThreadEventLog>();
        builder.Services.AddSingleton<ReplicaIdentity>();
        builder.Services.AddSingleton<RunRegistry>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RunRegistry>());
        builder.Services.AddSingleton<OperationRunner>();
        builder.Services.AddHostedService<RunTakeover>();
        builder.Services.AddSingleton<OperationNarration>();
        builder.Services.AddSingleton<IndexIdRule>();
        builder.Services.AddSingleton<ProcessingService>();
        return builder;
    }
}
