using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Jockey.ApiService.Media;
using Jockey.ApiService.Speech;
using Microsoft.Extensions.Options;

namespace Jockey.ApiService.Narration;

/// <summary>
/// Compresses a narration with ffmpeg while it is being synthesized and uploads ffmpeg's output as it comes, to
/// <c>media/{media_id}/narration.{ogg|mp3}</c> (the result's: <c>result-narration.…</c>) next to the video; the caller gets a read-only SAS URL.
/// </summary>
public sealed class NarrationStorage(MediaStore media, IOptions<NarrationOptions> options)
{
    /// <param name="stem">The file's name without extension (<see cref="NarrationKind.FileStem"/>).</param>
    public async Task<StoredNarration> BeginAsync(string mediaId, string stem, AudioFormat format, CancellationToken ct)
    {
        var o = options.Value;
        var blob = media.GetBlob($"{mediaId}/{stem}.{o.StoredFormat}");
        try
        {
            await media.EnsureContainerAsync(ct);
        }
        catch (RequestFailedException ex)
        {
            throw StorageFailure(ex);
        }

        var start = new ProcessStartInfo(o.FfmpegPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in EncoderArguments(format, o.StoredFormat)) start.ArgumentList.Add(arg);
        Process? ffmpeg;
        try
        {
            ffmpeg = Process.Start(start);
        }
        catch (Win32Exception ex)
        {
            throw new NarrationStorageException("encoder_not_found", $"ffmpeg not found at '{o.FfmpegPath}' — run ./scripts/dev.sh, which installs it (or set Narration:FfmpegPath).", ex);
        }
        if (ffmpeg is null) throw new NarrationStorageException("encoder_not_found", $"ffmpeg at '{o.FfmpegPath}' did not start — run ./scripts/dev.sh, which installs it.");

        var contentType = o.StoredFormat == "mp3" ? "audio/mpeg" : "audio/ogg";
        var upload = blob.UploadAsync(ffmpeg.StandardOutput.BaseStream,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, ct);
        return new StoredNarration(this, ffmpeg, blob, upload);
    }

    private static IEnumerable<string> EncoderArguments(AudioFormat format, string stored)
    {
        string[] input = ["-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", format.SampleRate.ToString(CultureInfo.InvariantCulture),
            "-ac", format.Channels.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0"];
        // Speech needs little: 32 kbit/s Opus or VBR MP3 at quality 6 sound clean at a fraction of the WAV size, and a
        // middling Opus complexity halves the encode time, which the process request waits for.
        string[] output = stored == "mp3"
            ? ["-c:a", "libmp3lame", "-q:a", "6", "-f", "mp3", "pipe:1"]
            : ["-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-compression_level", "5", "-f", "ogg", "pipe:1"];
        return [.. input, .. output];
    }

    internal static NarrationStorageException StorageFailure(RequestFailedException ex) => new("storage_failed",
        $"Storing the narration in Blob Storage failed ({ex.Status} {ex.ErrorCode}) — check ConnectionStrings:blobs and that the storage account is reachable.", ex);

    /// <summary>The same read-only SAS URLs videos get (Media:SasExpiry).</summary>
    internal Task<Uri> ReadUrlAsync(BlobClient blob, CancellationToken ct) => media.CreateReadUrlAsync(blob, ct);
}

/// <summary>A narration on its way into Blob Storage: PCM in, compressed file out.</summary>
public sealed class StoredNarration : IAsyncDisposable
{
    private readonly NarrationStorage _storage;
    private readonly Process _ffmpeg;
    private readonly BlobClient _blob;
    private readonly Task _upload;
    private readonly Task<string> _stderr;
    // The encoder is fed from a queue so a busy ffmpeg never holds up the live stream; the queue holds at most one
    // narration's PCM, which Narration:MaxTextLength bounds.
    private readonly Channel<ReadOnlyMemory<byte>> _input = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _feeder;

    public StoredNarration(NarrationStorage storage, Process ffmpeg, BlobClient blob, Task upload)
    {
        (_storage, _ffmpeg, _blob, _upload) = (storage, ffmpeg, blob, upload);
        _stderr = ffmpeg.StandardError.ReadToEndAsync();
        _feeder = FeedAsync();
        // A failed upload stops draining ffmpeg's output; stopping ffmpeg turns the next write into an error instead of a hang.
        upload.ContinueWith(_ => Stop(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Queues PCM for the encoder; never waits.</summary>
    public void Write(ReadOnlyMemory<byte> pcm) => _input.Writer.TryWrite(pcm);

    private async Task FeedAsync()
    {
        var stdin = _ffmpeg.StandardInput.BaseStream;
        await foreach (var pcm in _input.Reader.ReadAllAsync()) await stdin.WriteAsync(pcm);
        await stdin.FlushAsync();
        _ffmpeg.StandardInput.Close();
    }

    /// <summary>Ends the input, waits for the upload, and returns the stored file's read-only URL.</summary>
    public async Task<Uri> CompleteAsync(CancellationToken ct)
    {
        try
        {
            _input.Writer.TryComplete();
            await _feeder.WaitAsync(ct);
            await _ffmpeg.WaitForExitAsync(ct);
            if (_ffmpeg.ExitCode != 0) throw await FailureAsync(null);
            await _upload;
        }
        catch (IOException ex)
        {
            throw await FailureAsync(ex);
        }
        catch (RequestFailedException ex)
        {
            throw NarrationStorage.StorageFailure(ex);
        }
        return await _storage.ReadUrlAsync(_blob, ct);
    }

    private async Task<NarrationStorageException> FailureAsync(Exception? inner)
    {
        if (_upload is { IsFaulted: true, Exception.InnerException: RequestFailedException failed }) return NarrationStorage.StorageFailure(failed);
        await ((Task)_stderr).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var message = _stderr.IsCompletedSuccessfully ? _stderr.Result.Trim() : inner?.Message ?? "";
        return new NarrationStorageException("encoding_failed",
            $"ffmpeg could not compress the narration ({message}) — run ./scripts/dev.sh to install an ffmpeg with libopus and libmp3lame.", inner);
    }

    private void Stop()
    {
        try
        {
            if (!_ffmpeg.HasExited) _ffmpeg.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _input.Writer.TryComplete();
        Stop();
        await _feeder.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _upload.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _ffmpeg.Dispose();
    }
}

public sealed class NarrationStorageException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
