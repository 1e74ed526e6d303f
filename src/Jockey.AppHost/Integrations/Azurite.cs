using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jockey.AppHost.Integrations;

/// <summary>Azurite's blob service from the repository's node_modules, in place of Aspire's Azurite container.</summary>
public sealed class AzuriteResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory)
{
    // Azurite's well-known development account (public, documented; not a secret).
    internal const string AccountName = "devstoreaccount1";
    internal const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public EndpointReference Endpoint => new(this, "blob");
}

/// <summary>The blob service of an Azurite resource; referencing it sets <c>ConnectionStrings__{name}</c>.</summary>
public sealed class AzuriteBlobsResource(string name, AzuriteResource parent)
    : Resource(name), IResourceWithParent<AzuriteResource>, IResourceWithConnectionString
{
    public AzuriteResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteResource.AccountName};AccountKey={AzuriteResource.AccountKey};" +
        $"BlobEndpoint=http://{Parent.Endpoint.Property(EndpointProperty.IPV4Host)}:{Parent.Endpoint.Property(EndpointProperty.Port)}/{AzuriteResource.AccountName};");
}

public static class AzuriteExtensions
{
    public static IResourceBuilder<AzuriteResource> AddAzurite(this IDistributedApplicationBuilder builder, string name)
    {
        var azurite = Path.Combine(builder.RepositoryRoot(), "node_modules", ".bin", "azurite-blob");
        var storage = new AzuriteResource(name, azurite, builder.RepositoryRoot());
        var healthCheck = $"{name}_blob";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, ct => AnswersAsync(storage, ct));
        return builder.AddResource(storage)
            .WithHttpEndpoint(name: "blob")
            .WithArgs(context =>
            {
                context.Args.Add("--blobHost");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--blobPort");
                context.Args.Add(storage.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var arg in new[] { "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--silent" }) context.Args.Add(arg);
            })
            .WithHealthCheck(healthCheck)
            .WithPrerequisite(() => File.Exists(azurite) ? null : "azurite not found in node_modules: run ./scripts/dev.sh, which runs npm ci");
    }

    /// <summary>Keeps the blobs in <paramref name="dataDirectory"/>/{name}; with null, Azurite keeps them in memory.</summary>
    public static IResourceBuilder<AzuriteResource> WithDataDirectory(this IResourceBuilder<AzuriteResource> builder, string? dataDirectory)
    {
        if (dataDirectory is null) return builder.WithArgs("--inMemoryPersistence", "--extentMemoryLimit", "512");
        var folder = Path.Combine(dataDirectory, builder.Resource.Name);
        Directory.CreateDirectory(folder);
        return builder.WithArgs("--location", folder);
    }

    /// <summary>
    /// A child with no process of its own: it is Running, and as healthy as its Azurite, once that is ready — so
    /// <c>WaitFor(blobs)</c> waits for Azurite.
    /// </summary>
    public static IResourceBuilder<AzuriteBlobsResource> AddBlobs(this IResourceBuilder<AzuriteResource> builder, string name)
    {
        var blobs = builder.ApplicationBuilder.AddResource(new AzuriteBlobsResource(name, builder.Resource))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "AzuriteBlobs",
                State = KnownResourceStates.Waiting,
                Properties = [],
            });
        builder.OnResourceReady((_, ready, ct) =>
            ready.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(blobs.Resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            }));
        return blobs;
    }

    /// <summary>Any HTTP answer from Azurite (it refuses an unsigned request) means it serves.</summary>
    private static async Task<HealthCheckResult> AnswersAsync(AzuriteResource storage, CancellationToken ct)
    {
        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync($"http://127.0.0.1:{storage.Endpoint.Port}/{AzuriteResource.AccountName}?comp=list", ct);
            return HealthCheckResult.Healthy();
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
