using System.Net;
using System.Text.Json;
using Jockey.Testing;

namespace Jockey.Tests.AppHost;

/// <summary>
/// One app for the tests that only look at it: two API replicas, and settings given to the AppHost for each service.
/// Starting an app is most of what each of these tests costs.
/// </summary>
public sealed class AppHostContractFixture : IAsyncLifetime
{
    public TestingApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        App = await TestingApp.StartAsync(o =>
        {
            o.ApiReplicas = 2;
            o.Only("apiservice");
            o.AppHostSettings["LocalAgent:Llm:Model"] = "local-model";
            o.AppHostSettings["Narration:Voice"] = "en-gb";
        }, timeout.Token);
        await App.WaitForResourceHealthyAsync("apiservice", timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
    }
}

/// <summary>What the AppHost gives each service, seen from outside: health, the env contract, settings per service.</summary>
public sealed class AppHostContractTests(AppHostContractFixture fixture) : IClassFixture<AppHostContractFixture>
{
    private TestingApp App => fixture.App;

    [Fact]
    public async Task Api_health_is_healthy_and_includes_redis_and_blob_checks()
    {
        var ct = TestDeadlines.Start(60);
        using var http = App.CreateHttpClient("apiservice");
        using var response = await http.GetAsync("/health", ct);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("StackExchange.Redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("blobs").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Each_replica_gets_the_aspire_environment_contract_and_its_own_instance_id()
    {
        var ct = TestDeadlines.Start(60);
        List<Dictionary<string, string>> environments = [.. Enumerable.Range(0, 2).Select(r => ProcessTree.EnvironmentOf(App.Pid("apiservice", r)!.Value))];

        foreach (var env in environments)
        {
            Assert.Equal(await App.GetConnectionStringAsync("redis", ct), env["ConnectionStrings__redis"]);
            Assert.Equal(await App.GetConnectionStringAsync("blobs", ct), env["ConnectionStrings__blobs"]);
            Assert.Contains("AccountName=devstoreaccount1", env["ConnectionStrings__blobs"]);
            Assert.Contains($"BlobEndpoint={App.GetEndpoint("storage").ToString().TrimEnd('/')}/devstoreaccount1;", env["ConnectionStrings__blobs"]);
            Assert.Equal(App.GetEndpoint("jockey").Port, new Uri(env["services__jockey__http__0"]).Port);
            Assert.Equal("apiservice", env["OTEL_SERVICE_NAME"]);
            Assert.Contains("service.instance.id=", env["OTEL_RESOURCE_ATTRIBUTES"]);
        }
        Assert.NotEqual(environments[0]["OTEL_RESOURCE_ATTRIBUTES"], environments[1]["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.NotEqual(environments[0]["ASPNETCORE_URLS"], environments[1]["ASPNETCORE_URLS"]);
    }

    [Fact]
    public void Service_settings_given_to_the_apphost_reach_only_the_service_they_belong_to()
    {
        var agent = ProcessTree.EnvironmentOf(App.Pid("jockey")!.Value);
        var api = ProcessTree.EnvironmentOf(App.Pid("apiservice")!.Value);
        Assert.Equal("local-model", agent["LocalAgent__Llm__Model"]);
        Assert.Equal("en-gb", api["Narration__Voice"]);
        Assert.DoesNotContain("Narration__Voice", agent.Keys);
        Assert.DoesNotContain("LocalAgent__Llm__Model", api.Keys);
        Assert.DoesNotContain(api.Keys, key => key.StartsWith("ApiService__", StringComparison.Ordinal));
    }
}
