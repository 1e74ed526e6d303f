using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Jockey.ApiService.Media;
using Microsoft.Extensions.Options;
using static Jockey.Tests.Api.ApiSteps;

namespace Jockey.Tests.Api;

/// <summary>The container videos and narrations share, against the app's real Azurite.</summary>
[Collection(ApiCollection.Name)]
public sealed class MediaContainerTests(ApiAppFixture fixture)
{
    [Fact]
    public async Task A_failed_creation_is_retried_on_the_next_use_instead_of_being_remembered()
    {
        var ct = Timeout();
        var azurite = await fixture.App.GetConnectionStringAsync("blobs", ct);
        var port = Regex.Match(azurite, @"BlobEndpoint=http://127\.0\.0\.1:(\d+)/").Groups[1].Value;
        var notYetUp = DeadLoopbackUrl();
        var blobs = new BlobServiceClient(azurite.Replace($"127.0.0.1:{port}/", $"127.0.0.1:{notYetUp.Port}/"),
            new BlobClientOptions { Retry = { MaxRetries = 0 } });
        var name = $"retry-{Guid.NewGuid():N}"[..20];
        var container = new MediaContainer(blobs, Options.Create(new MediaOptions { Container = name }));

        await Assert.ThrowsAsync<RequestFailedException>(() => container.EnsureExistsAsync(ct));
        await using (new TcpForwarder(notYetUp.Port, new Uri($"http://127.0.0.1:{port}")))
        {
            await container.EnsureExistsAsync(ct);
            await container.EnsureExistsAsync(ct);
        }

        Assert.True(await new BlobServiceClient(azurite).GetBlobContainerClient(name).ExistsAsync(ct));
    }
}
