using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Jockey.ApiService.Hosting;
using Jockey.ApiService.Jockey;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Media;

/// <summary>
/// Rendered videos in Blob Storage at <c>media/{media_id}/{file}</c> (an id of their operation's that grants nothing else), handed out as read-only SAS URLs.
/// </summary>
public sealed class MediaStore(BlobServiceClient blobs, MediaContainer container, JockeyClient jockey, JockeyEndpoint endpoint, IOptions<MediaOptions> options, TimeProvider time)
{
    private readonly MediaOptions _options = options.Value;
    private readonly SemaphoreSlim _delegationKeyGate = new(1, 1);
    private (UserDelegationKey Key, DateTimeOffset Until)? _delegationKey;

    private BlobContainerClient Container => container.Client;

    /// <summary>Copies a file from the agent's file server into the blob, streaming (never the whole file in memory).</summary>
    public async Task<string> CopyFromAgentAsync(string mediaId, string indexId, string fileName, CancellationToken ct)
    {
        var path = $"{mediaId}/{fileName}";
        using var activity = ApiTelemetry.Source.StartActivity("blob.upload");
        activity?.SetTag("blob.path", $"{_options.Container}/{path}");

        using var response = await jockey.GetFileAsync(indexId, fileName, range: null, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new JockeyException($"The rendered video {fileName} could not be fetched from {endpoint.FilesDisplayUrl}/{indexId}/{fileName}: {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        await container.EnsureExistsAsync(ct);
        await using var source = await response.Content.ReadAsStreamAsync(ct);
        var contentType = response.Content.Headers.ContentType?.MediaType ?? "video/mp4";
        await Container.GetBlobClient(path).UploadAsync(source, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            TransferOptions = new Azure.Storage.StorageTransferOptions { MaximumTransferSize = 4 * 1024 * 1024, InitialTransferSize = 4 * 1024 * 1024 },
        }, ct);
        activity?.SetTag("blob.bytes", response.Content.Headers.ContentLength);
        return path;
    }

    /// <summary>A fresh read-only URL for <c>media/{path}</c>, or null when no such blob exists.</summary>
    /// <param name="attachment">A file name: the URL then makes the browser save the file under it instead of opening it.</param>
    public async Task<Uri?> GetReadUrlAsync(string path, CancellationToken ct, string? attachment = null)
    {
        var blob = Container.GetBlobClient(path);
        if (!await blob.ExistsAsync(ct)) return null;
        return await CreateReadUrlAsync(blob, ct, attachment);
    }

    /// <summary>
    /// Account-key SAS when the client holds a shared key (a connection string, Azurite); otherwise a user-delegation
    /// SAS signed with a key obtained through the client's Entra credential (Azure with shared keys disabled).
    /// </summary>
    public async Task<Uri> CreateReadUrlAsync(BlobClient blob, CancellationToken ct, string? attachment = null)
    {
        var expiresOn = time.GetUtcNow().Add(_options.SasExpiry);
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expiresOn)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = time.GetUtcNow().AddMinutes(-5),
            // The storage service sends this as the response's Content-Disposition (the SAS's rscd field).
            ContentDisposition = attachment is null ? null : $"attachment; filename=\"{attachment}\"",
        };
        if (blob.CanGenerateSasUri) return blob.GenerateSasUri(sas);

        var key = await GetDelegationKeyAsync(expiresOn, ct);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, blobs.AccountName) }.ToUri();
    }

    public BlobClient GetBlob(string path) => Container.GetBlobClient(path);

    /// <summary>Completes once the container exists (created on first use; a failed creation is retried next time).</summary>
    public Task EnsureContainerAsync(CancellationToken ct) => container.EnsureExistsAsync(ct);

    private async Task<UserDelegationKey> GetDelegationKeyAsync(DateTimeOffset neededUntil, CancellationToken ct)
    {
        await _delegationKeyGate.WaitAsync(ct);
        try
        {
            if (_delegationKey is { } cached && cached.Until >= neededUntil) return cached.Key;
            var until = time.GetUtcNow().AddHours(6);
            UserDelegationKey key = await blobs.GetUserDelegationKeyAsync(time.GetUtcNow().AddMinutes(-5), until, ct);
            _delegationKey = (key, until);
            return key;
        }
        finally
        {
            _delegationKeyGate.Release();
        }
    }
}
