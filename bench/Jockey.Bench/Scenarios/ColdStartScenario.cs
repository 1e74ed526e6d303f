using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Jockey.Testing;
using Jockey.Bench.Report;

namespace Jockey.Bench.Scenarios;

/// <summary>
/// Scenario 6: the whole app model (Redis, Azurite, local agent, 2 API replicas, web) from nothing to every resource
/// healthy, through Aspire.Hosting.Testing — DCP running the AppHost's own model, without the dashboard.
/// </summary>
public static class ColdStartScenario
{
    public const string Name = "6-coldstart";

    private static readonly string[] Resources = ["redis", "storage", "jockey", "apiservice", "web"];

    public static async Task RunAsync(BenchSettings settings, BenchResults results, CancellationToken ct)
    {
        for (var i = 0; i < settings.ColdStarts; i++)
        {
            var figures = new Dictionary<string, double>();
            var started = Stopwatch.GetTimestamp();
            await using (var app = await TestingApp.StartAsync(o => { o.ApiReplicas = 2; o.SeedSampleIndex = false; o.ShareDcpCertificate = false; }, ct))
            {
                figures["start_returned_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
                // Resources start in dependency order; each wait ends when that one is healthy.
                foreach (var resource in Resources)
                {
                    await app.WaitForResourceHealthyAsync(resource, ct);
                    figures[$"{resource}_healthy_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
                }
                figures["all_healthy_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
                // On a first start the agent serves (Degraded) while it generates the sample index; say when that is done too.
                using var agent = app.CreateHttpClient("jockey");
                while ((await agent.GetFromJsonAsync<JsonElement>("/health", ct)).GetProperty("status").GetString() != "Healthy") await Task.Delay(100, ct);
                figures["sample_ready_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
            figures["stop_s"] = Stopwatch.GetElapsedTime(started).TotalSeconds - figures["sample_ready_s"];
            results.Row(Name, "jockey", "", "all resources, 2 API replicas").Runs.Add(figures);
            Console.WriteLine($"    cold start {i + 1}: all resources healthy after {figures["all_healthy_s"]:0.0} s " +
                $"(redis {figures["redis_healthy_s"]:0.0}, storage {figures["storage_healthy_s"]:0.0}, jockey {figures["jockey_healthy_s"]:0.0}, " +
                $"apiservice {figures["apiservice_healthy_s"]:0.0}, web {figures["web_healthy_s"]:0.0} s), sample index ready after {figures["sample_ready_s"]:0.0} s; stopped in {figures["stop_s"]:0.0} s");
        }
    }
}
