using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Jockey;

public static class JockeyExtensions
{
    /// <summary>
    /// The Jockey client. ServiceDefaults gives every HttpClient the standard resilience handler (30 s total timeout,
    /// retries); both are wrong here: a run streams for minutes and a retried <c>POST …/runs/stream</c> would start a
    /// second run. So this client drops it; slow connects fail after <see cref="JockeyOptions.ConnectTimeout"/>, and a
    /// stream silent for <see cref="JockeyOptions.IdleTimeout"/> makes the client ask the run's status.
    /// </summary>
    public static IHostApplicationBuilder AddJockeyClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JockeyOptions>().BindConfiguration("Jockey").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<JockeyEndpoint>();
        builder.Services.AddSingleton<AssistantIdCache>();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is exactly what is needed.
        builder.Services.AddHttpClient<JockeyClient>((services, http) =>
            {
                var options = services.GetRequiredService<IOptions<JockeyOptions>>().Value;
                http.BaseAddress = options.GetBaseUri();
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                ConnectTimeout = services.GetRequiredService<IOptions<JockeyOptions>>().Value.ConnectTimeout,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        // Degraded, not Unhealthy: with the agent down the API still serves threads, history and media, and runs fail
        // with a clear reason — restarting or unrouting the API would not help.
        builder.Services.AddHealthChecks().AddCheck<JockeyHealthCheck>("jockey", HealthStatus.Degraded);
        return builder;
    }
}

internal sealed class JockeyHealthCheck(JockeyClient jockey) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        return await jockey.CheckOkAsync(TimeSpan.FromSeconds(3), cancellationToken) is { } problem
            ? new HealthCheckResult(context.Registration.FailureStatus, problem)
            : HealthCheckResult.Healthy(jockey.ServerName);
    }
}
