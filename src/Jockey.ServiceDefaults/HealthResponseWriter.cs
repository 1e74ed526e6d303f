using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Writes a health report as JSON so a person (or the AppHost dashboard) can see which check failed and why.</summary>
internal static class HealthResponseWriter
{
    /// <summary>
    /// Which replica answered, for a person probing through a load balancer: OpenTelemetry's
    /// <c>service.instance.id</c> (the AppHost gives each replica its own), else the host name (a Container Apps
    /// replica's name).
    /// </summary>
    private static readonly string Instance =
        (Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? "")
            .Split(',', StringSplitOptions.TrimEntries)
            .Select(attribute => attribute.Split('=', 2))
            .FirstOrDefault(pair => pair.Length == 2 && pair[0] == "service.instance.id")?[1]
        ?? Environment.MachineName;

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            instance = Instance,
            duration_ms = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description ?? entry.Value.Exception?.Message,
                    duration_ms = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
