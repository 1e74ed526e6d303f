using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Media;

/// <summary>
/// The blob container videos and narrations are stored in, created on first use. Concurrent first uses share one
/// creation; a creation that failed (storage not up yet, a network blip) is forgotten, so the next use tries again
/// instead of every later upload failing until the API restarts.
/// </summary>
public sealed class MediaContainer(BlobServiceClient blobs, IOptions<MediaOptions> options)
{
    private readonly Lock _gate = new();
    private Task? _creation;

    public BlobContainerClient Client { get; } = blobs.GetBlobContainerClient(options.Value.Container);

    /// <summary>Completes once the container exists; <paramref name="ct"/> stops this caller's wait, not the shared creation.</summary>
    public Task EnsureExistsAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_creation is null || _creation.IsFaulted || _creation.IsCanceled)
            {
                _creation = Client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            }
            return _creation.WaitAsync(ct);
        }
    }
}
