using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Jockey.AppHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jockey.AppHost.Dashboard;

/// <summary>
/// The AppHost's dashboard: every resource replica with its state, health, PID, endpoints and restarts, and a
/// live log tail. One static page polling a JSON endpoint, plus an SSE stream per log.
/// </summary>
internal sealed class DashboardServer(WebApplication app) : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static async Task<DashboardServer> StartAsync(DistributedApplication model, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = Json.PropertyNamingPolicy;
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });
        var app = builder.Build();

        app.MapGet("/", () => TypedResults.Content(DashboardPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/api/resources", () => TypedResults.Json(model.GetSnapshots(), Json));
        app.MapGet("/api/resources/{instance}/logs", Results<ServerSentEventsResult<string>, ProblemHttpResult> (string instance, CancellationToken ct) =>
        {
            var row = model.GetSnapshots().FirstOrDefault(s => s.InstanceName == instance);
            if (row is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such resource",
                    detail: $"There is no resource named '{instance}'; GET /api/resources lists them.");
            }
            if (row.LogInstance is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No log",
                    detail: $"'{instance}' is an {row.Kind.ToLowerInvariant()} ({string.Join(", ", row.Endpoints)}): the AppHost runs no process for it, so it keeps no log.");
            }
            // A child resource (blobs) shows the log of the process that serves it (storage).
            return TypedResults.ServerSentEvents(Tail(model.Instances.First(i => i.InstanceName == row.LogInstance), ct));
        });

        await app.StartAsync(cancellationToken);
        return new DashboardServer(app);

        static async IAsyncEnumerable<SseItem<string>> Tail(Orchestration.ResourceInstance instance, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var line in instance.Logs.TailAsync(ct))
            {
                yield return new SseItem<string>(JsonSerializer.Serialize(line, Json), "log") { EventId = line.Number.ToString() };
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(grace.Token);
        await app.DisposeAsync();
    }
}
