using System.Net;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Jockey.Testing;
using PortAllocator = Jockey.Testing.PortAllocator;

namespace Jockey.Tests.AppHost;

/// <summary>The AppHost's model run by Aspire, observed from outside: health, WaitFor, crashes, the env contract, cleanup.</summary>
public sealed class AppHostTests
{
    private static CancellationToken Timeout(int seconds = 90) => TestDeadlines.Start(seconds);

    [Fact]
    public async Task Api_health_is_healthy_and_includes_redis_and_blob_checks()
    {
        var ct = Timeout();
        await using var app = await TestingApp.StartAsync(o => o.Only("apiservice"), ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);

        using var http = app.CreateHttpClient("apiservice");
        using var response = await http.GetAsync("/health", ct);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("StackExchange.Redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Killed_redis_makes_the_api_unhealthy_until_redis_is_started_again_and_the_api_keeps_running()
    {
        var ct = Timeout(120);
        await using var app = await TestingApp.StartAsync(o => o.Only("apiservice"), ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);
        var apiPid = app.Pid("apiservice");
        var redisPid = app.Pid("redis");
        using var http = app.CreateHttpClient("apiservice");

        await app.KillAsync("redis");
        var unhealthy = await PollHealthAsync(http, HttpStatusCode.ServiceUnavailable, ct);
        Assert.Contains("StackExchange.Redis", unhealthy);

        // Aspire does not restart a crashed process: it stays Exited until someone starts it (the dashboard's Start).
        await app.StartResourceAsync("redis", cancellationToken: ct);
        await app.WaitForResourceHealthyAsync("redis", ct);
        await PollHealthAsync(http, HttpStatusCode.OK, ct);

        Assert.NotEqual(redisPid, app.Pid("redis"));
        Assert.Equal(apiPid, app.Pid("apiservice"));
    }

    [Fact]
    public async Task A_resource_whose_dependency_is_unhealthy_waits_and_is_never_started()
    {
        var ct = Timeout();
        await using var app = await TestingApp.StartAsync(o =>
        {
            o.Only("apiservice");
            // The agent listens elsewhere than its endpoint, so it runs but its health check never passes.
            o.Environment("jockey", "ASPNETCORE_URLS", $"http://127.0.0.1:{PortAllocator.GetFreePort()}");
        }, ct);

        await app.Application.ResourceNotifications.WaitForResourceAsync("jockey", e =>
            e.Snapshot.State?.Text == KnownResourceStates.Running &&
            e.Snapshot.HealthReports.Any(r => r.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy), ct);

        Assert.Equal(KnownResourceStates.Waiting, app.Snapshot("apiservice").State?.Text);
        Assert.Null(app.Pid("apiservice"));
    }

    [Fact]
    public async Task A_resource_that_crashes_at_start_is_left_exited_with_its_log_and_what_waits_for_it_never_starts()
    {
        var ct = Timeout();
        await using var app = await TestingApp.StartAsync(o =>
        {
            o.Only("apiservice");
            // Options are validated at start, so the agent ends within moments, as a misconfigured one would.
            o.Environment("jockey", "LocalAgent__RenderConcurrency", "0");
        }, ct);

        var exited = await app.Application.ResourceNotifications.WaitForResourceAsync("jockey",
            [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart], ct);

        Assert.NotEqual(KnownResourceStates.FailedToStart, exited);
        Assert.NotEqual(0, app.Snapshot("jockey").ExitCode);
        Assert.Contains("RenderConcurrency", await app.WaitForLogAsync("jockey", "RenderConcurrency", ct));
        Assert.Equal(KnownResourceStates.Waiting, app.Snapshot("apiservice").State?.Text);
        Assert.Null(app.Pid("apiservice"));
    }

    [Fact]
    public async Task Each_replica_gets_the_aspire_environment_contract_and_its_own_instance_id()
    {
        var ct = Timeout();
        await using var app = await TestingApp.StartAsync(o =>
        {
            o.ApiReplicas = 2;
            o.Only("apiservice");
        }, ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);
        List<Dictionary<string, string>> environments = [.. Enumerable.Range(0, 2).Select(r => ReadEnvironment(app.Pid("apiservice", r)!.Value))];

        foreach (var env in environments)
        {
            Assert.Equal(await app.GetConnectionStringAsync("redis", ct), env["ConnectionStrings__redis"]);
            Assert.Equal(await app.GetConnectionStringAsync("blobs", ct), env["ConnectionStrings__blobs"]);
            Assert.Contains("AccountName=devstoreaccount1", env["ConnectionStrings__blobs"]);
            Assert.Contains($"BlobEndpoint={app.GetEndpoint("storage").ToString().TrimEnd('/')}/devstoreaccount1;", env["ConnectionStrings__blobs"]);
            Assert.Equal(app.GetEndpoint("jockey").Port, new Uri(env["services__jockey__http__0"]).Port);
            Assert.Equal("apiservice", env["OTEL_SERVICE_NAME"]);
            Assert.Contains("service.instance.id=", env["OTEL_RESOURCE_ATTRIBUTES"]);
        }
        Assert.NotEqual(environments[0]["OTEL_RESOURCE_ATTRIBUTES"], environments[1]["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.NotEqual(environments[0]["ASPNETCORE_URLS"], environments[1]["ASPNETCORE_URLS"]);
    }

    [Fact]
    public async Task Service_settings_given_to_the_apphost_reach_only_the_service_they_belong_to()
    {
        var ct = Timeout();
        await using var app = await TestingApp.StartAsync(o =>
        {
            o.Only("apiservice", "jockey");
            o.AppHostSettings["LocalAgent:Llm:Model"] = "local-model";
            o.AppHostSettings["Narration:Voice"] = "en-gb";
        }, ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);

        var agent = ReadEnvironment(app.Pid("jockey")!.Value);
        var api = ReadEnvironment(app.Pid("apiservice")!.Value);
        Assert.Equal("local-model", agent["LocalAgent__Llm__Model"]);
        Assert.Equal("en-gb", api["Narration__Voice"]);
        Assert.DoesNotContain("Narration__Voice", agent.Keys);
        Assert.DoesNotContain("LocalAgent__Llm__Model", api.Keys);
        Assert.DoesNotContain(api.Keys, key => key.StartsWith("ApiService__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposing_the_app_leaves_no_child_process()
    {
        var ct = Timeout();
        var app = await TestingApp.StartAsync(o => o.Only("apiservice"), ct);
        await app.WaitForResourceHealthyAsync("apiservice", ct);
        var pids = new[] { "redis", "storage", "jockey", "apiservice" }.Select(name => app.Pid(name)).OfType<int>().ToList();
        var all = pids.Concat(pids.SelectMany(ProcessTree.Descendants)).Distinct().ToList();
        Assert.Equal(4, pids.Count);

        await app.DisposeAsync();

        Assert.Empty(all.Where(ProcessTree.IsAlive).Select(pid => $"{pid}: {ProcessTree.CommandLine(pid)}"));
    }

    private static async Task<string> PollHealthAsync(HttpClient http, HttpStatusCode expected, CancellationToken ct)
    {
        while (true)
        {
            using var response = await http.GetAsync("/health", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == expected)
            {
                return body;
            }
            await Task.Delay(200, ct);
        }
    }

    /// <summary>What the process DCP started was given (for a project, <c>dotnet run</c>, whose child inherits it).</summary>
    private static Dictionary<string, string> ReadEnvironment(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);
}
