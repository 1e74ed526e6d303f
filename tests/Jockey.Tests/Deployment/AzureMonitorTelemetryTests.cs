using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Jockey.Tests.Deployment;

/// <summary>
/// infra/ gives every .NET app APPLICATIONINSIGHTS_CONNECTION_STRING and ServiceDefaults exports to Azure Monitor only
/// then. Exporting itself is not exercised here: the exporter also probes Azure's instance metadata address, which a
/// test on this machine must not call.
/// </summary>
public sealed class AzureMonitorTelemetryTests
{
    [Fact]
    public async Task Services_start_and_trace_without_application_insights_when_no_connection_string_is_set()
    {
        // Registered unconditionally, the Azure Monitor exporter would refuse to start for want of a connection string.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "deployment-test" });
        builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "";
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");

        await app.StartAsync(TestContext.Current.CancellationToken);

        var tracer = app.Services.GetRequiredService<TracerProvider>();
        using (var source = new ActivitySource("deployment-test"))
        using (var span = source.StartActivity("deployment-test-span"))
        {
            Assert.NotNull(span);
        }
        Assert.True(tracer.ForceFlush(10_000));
        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}
