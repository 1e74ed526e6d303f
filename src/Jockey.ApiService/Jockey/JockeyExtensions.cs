using System.Net;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Jockey;

public static class JockeyExtensions
{
    /// <summary>
    /// The Jockey client. ServiceDefaults gives every HttpClient the standard resilience handler (30 s total timeout,
    /// retries); both are wrong here: a run streams for minutes and a retried <c>POST …/runs/stream</c> would start a
    /// second run. So this client drops it; slow connects fail after <see cref="JockeyOptions.ConnectTimeout"/>, silent
    /// streams after <see cref="JockeyOptions.IdleTimeout"/>.
    /// </summary>
    public static IHostApplicationBuilder AddJockeyClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JockeyOptions>().BindConfiguration("Jockey").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<JockeyEndpoint>();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is exactly what is needed.
        builder.Services.AddHttpClient<JockeyClient>((services, http) =>
            {
                var options = services.GetRequiredService<IOptions<JockeyOptions>>().Value;
                http.BaseAddress = options.BaseUri;
                http.Timeout = Timeout.InfiniteTimeSpan;
                if (!string.IsNullOrWhiteSpace(options.ApiKey)) http.DefaultRequestHeaders.Add("x-api-key", options.ApiKey);
            })
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                ConnectTimeout = services.GetRequiredService<IOptions<JockeyOptions>>().Value.ConnectTimeout,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
