using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jockey.ApiService.Infrastructure;

public static class BlobStorageExtensions
{
    /// <summary>
    /// Registers a <see cref="BlobServiceClient"/> from <c>ConnectionStrings:{name}</c>, read the way Aspire's blob
    /// component reads it: an absolute URI is the service endpoint reached with <see cref="DefaultAzureCredential"/>
    /// (Azure, no shared keys); anything else is a connection string (Azurite's devstoreaccount1 form).
    /// </summary>
    public static IHostApplicationBuilder AddBlobStorage(this IHostApplicationBuilder builder, string connectionName)
    {
        var value = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Start the app with ./scripts/dev.sh, or set ConnectionStrings__{connectionName} to a blob service URI or an Azure Storage connection string.");

        builder.Services.AddSingleton(_ => Uri.TryCreate(value, UriKind.Absolute, out var serviceUri)
            ? new BlobServiceClient(serviceUri, new DefaultAzureCredential())
            : new BlobServiceClient(value));
        builder.Services.AddHealthChecks().AddCheck<BlobStorageHealthCheck>("blobs", HealthStatus.Unhealthy, ["ready"]);
        return builder;
    }
}

internal sealed class BlobStorageHealthCheck(BlobServiceClient blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await foreach (var _ in blobs.GetBlobContainersAsync(cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException)
        {
            return HealthCheckResult.Unhealthy($"Blob Storage at {blobs.Uri} is not reachable: {ex.Message}");
        }
    }
}
