namespace Jockey.LocalAgent.Editing;

/// <summary>
/// The progressive side of a render: the same ffmpeg process that writes the final MP4 also writes an HLS event
/// playlist of one-second fMP4 segments beside it (the tee muxer: one encode, two containers), so a viewer can watch
/// the montage while it is being cut. <c>hls_flags=temp_file</c> makes ffmpeg write each segment and each version of
/// the playlist under a <c>.tmp</c> name and rename it, so the file server never hands out half a file; a playlist
/// that exists therefore lists only complete segments. The files of a failed or cancelled render are deleted; those
/// of a finished one stay for <see cref="LocalAgentOptions.PreviewRetentionMinutes"/> (a viewer switching to the
/// final video may still be reading them), then the next render sweeps them away.
/// </summary>
public sealed class RenderPreview(string directory, string baseName)
{
    /// <summary>One second per segment: the first frame can be shown once the first second is encoded.</summary>
    public const int SegmentSeconds = 1;

    // Render names are slugs (Names.Slug), which never hold a '.', so this marks preview files and nothing else.
    private const string Marker = ".preview";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public string PlaylistFile => $"{baseName}{Marker}.m3u8";

    private string PlaylistPath => Path.Combine(directory, PlaylistFile);

    /// <summary>
    /// Encoder and muxer arguments for both outputs; names are relative, so ffmpeg must run in <c>directory</c>.
    /// A keyframe every second lets the HLS muxer cut there (x264's default GOP is ten seconds).
    /// </summary>
    public IEnumerable<string> OutputArgs(string finalTempFile) =>
    [
        "-force_key_frames", $"expr:gte(t,n_forced*{SegmentSeconds})",
        // Both containers are MP4 boxes that want the codecs' headers up front; the tee muxer does not ask for them itself.
        "-flags", "+global_header",
        "-f", "tee",
        $"[f=hls:hls_time={SegmentSeconds}:hls_segment_type=fmp4:hls_playlist_type=event:hls_flags=temp_file" +
        $":hls_fmp4_init_filename={baseName}{Marker}-init.mp4:hls_segment_filename={baseName}{Marker}-%03d.m4s]{PlaylistFile}" +
        $"|[f=mp4:movflags=+faststart]{finalTempFile}",
    ];

    /// <summary>
    /// Calls <paramref name="announce"/> once the playlist exists (so its first segment does), unless
    /// <paramref name="rendering"/> ends first: then the final file follows at once and a preview would only be noise.
    /// It polls rather than waiting for ffmpeg's progress lines, so the announcement never waits on ffmpeg itself. A
    /// cancelled render ends <paramref name="rendering"/>, which ends this too, once ffmpeg is gone.
    /// </summary>
    public async Task AnnounceWhenReadyAsync(Task rendering, Action<string> announce)
    {
        while (!rendering.IsCompleted)
        {
            if (File.Exists(PlaylistPath))
            {
                announce(PlaylistFile);
                return;
            }
            await Task.WhenAny(rendering, Task.Delay(PollInterval, CancellationToken.None));
        }
    }

    /// <summary>Removes the playlist and every segment, including ffmpeg's <c>.tmp</c> leftovers of a killed render.</summary>
    public void Delete()
    {
        foreach (var file in Directory.EnumerateFiles(directory, $"{baseName}{Marker}*")) File.Delete(file);
    }

    /// <summary>Deletes the preview files in <paramref name="directory"/> last written before <paramref name="before"/>.</summary>
    public static void Sweep(string directory, DateTime before)
    {
        foreach (var file in Directory.EnumerateFiles(directory, $"*{Marker}*"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < before) File.Delete(file);
            }
            catch (IOException)
            {
                // Another render's sweep took it first.
            }
        }
    }
}
