using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Jockey.LocalAgent.Media;
using Microsoft.Extensions.Options;

namespace Jockey.LocalAgent.Library;

/// <summary>
/// Creates the built-in <c>sample</c> index on first start: narration by espeak-ng (a sine tone when it is missing),
/// subtitles timed from the narration, and H.264/AAC clips drawn by ffmpeg. A lock file makes two agents starting
/// at once generate it once; a marker file makes later starts skip it.
/// </summary>
public sealed class SampleIndexGenerator(
    IOptions<LocalAgentOptions> options, MediaLibrary library, MediaTools tools, ILogger<SampleIndexGenerator> logger) : BackgroundService
{
    // The version goes up whenever the clips change, so a library made by an older agent is generated again.
    private const string Marker = ".sample-complete-v2";
    private const int SampleRate = 22050;
    private const string Font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
    private readonly LocalAgentOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (_options.GenerateSampleIndex)
            {
                await EnsureSampleAsync(stoppingToken);
                // Indexed before the library says it is ready, so a run that waited for the sample finds its clips.
                await library.Catalog(SampleClips.IndexId).ScanAsync().WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not generate the sample index; add your own videos under {Path}", _options.IndexesPath);
        }
        library.MarkReady();
    }

    private async Task EnsureSampleAsync(CancellationToken ct)
    {
        var dir = library.IndexPath(SampleClips.IndexId);
        if (File.Exists(Path.Combine(dir, Marker))) return;
        Directory.CreateDirectory(_options.IndexesPath);
        await using var lockFile = await AcquireLockAsync(Path.Combine(_options.IndexesPath, ".sample.lock"), ct);
        if (File.Exists(Path.Combine(dir, Marker))) return; // the other process finished while we waited

        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(dir);
        var work = Path.Combine(_options.CachePath, "sample-work");
        Directory.CreateDirectory(work);
        var hasEspeak = await HasEspeakAsync(ct);
        library.StartSample(SampleClips.All.Count);
        await Parallel.ForEachAsync(SampleClips.All, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = ct },
            async (clip, token) =>
            {
                await GenerateClipAsync(clip, dir, work, hasEspeak, token);
                library.SampleClipDone();
            });
        await File.WriteAllTextAsync(Path.Combine(dir, Marker), DateTimeOffset.UtcNow.ToString("O"), ct);
        Directory.Delete(work, recursive: true);
        logger.LogInformation("Generated the sample index ({Count} clips) in {Seconds:F1} s at {Path}",
            SampleClips.All.Count, stopwatch.Elapsed.TotalSeconds, dir);
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(250, ct); // another agent is generating; wait for it rather than duplicating the work
            }
        }
    }

    private async Task GenerateClipAsync(SampleClip clip, string dir, string work, bool hasEspeak, CancellationToken ct)
    {
        // Narration: one WAV per sentence, joined with pauses; the same offsets become the subtitle cues.
        var pcm = new List<byte>();
        var cues = new List<Cue>();
        AppendSilence(pcm, 0.4);
        for (var i = 0; i < clip.Narration.Length; i++)
        {
            var sentence = clip.Narration[i];
            var start = pcm.Count / 2.0 / SampleRate;
            var samples = hasEspeak ? await SpeakAsync(sentence, Path.Combine(work, $"{clip.Id}-{i}.wav"), ct) : Tone(sentence, i);
            pcm.AddRange(samples);
            cues.Add(new Cue(Math.Round(start, 3), Math.Round(pcm.Count / 2.0 / SampleRate, 3), sentence));
            AppendSilence(pcm, 0.35);
        }
        var duration = Math.Clamp(Math.Ceiling(pcm.Count / 2.0 / SampleRate + 0.3), 5, 10);
        var wav = Path.Combine(work, $"{clip.Id}.wav");
        await File.WriteAllBytesAsync(wav, Wav(pcm), ct);

        var captions = string.Join(',', cues.Select(c =>
            $"drawtext=fontfile={Font}:text='{Sanitize(c.Text)}':fontsize=20:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=6:x=(w-tw)/2:y=h-50:enable='between(t,{F(c.Start)},{F(c.End)})'"));
        // Drawn small, converted to yuv420p, then scaled and captioned: the cheapest order for ffmpeg's filters.
        var video = $"{clip.Visual},fps=24,format=yuv420p,scale=640:360:flags=fast_bilinear,setsar=1," +
                    "drawbox=x='mod(t*90,w)':y=h/2-20:w=40:h=40:color=white@0.35:t=fill," +
                    $"drawtext=fontfile={Font}:text='{Sanitize(clip.Title)}':fontsize=34:fontcolor=white:shadowx=2:shadowy=2:x=(w-tw)/2:y=40," +
                    $"{captions}[v]";
        var temp = Path.Combine(dir, $".tmp-{clip.Id}.mp4");
        await tools.RunFFmpegAsync(
        [
            "-v", "error", "-i", wav, "-filter_complex", $"{video};[0:a]aresample=44100,apad[a]",
            "-map", "[v]", "-map", "[a]", "-t", F(duration),
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-g", "24", "-c:a", "aac", "-b:a", "96k", "-ac", "2",
            "-movflags", "+faststart", temp,
        ], ct);
        await File.WriteAllTextAsync(Path.Combine(dir, clip.Id + ".srt"), Subtitles.ToSrt(cues), ct);
        await File.WriteAllTextAsync(Path.Combine(dir, clip.Id + ".json"),
            JsonSerializer.Serialize(new VideoMetadata(clip.Title, clip.Description, clip.Tags), new JsonSerializerOptions(JsonSerializerDefaults.Web)), ct);
        File.Move(temp, Path.Combine(dir, clip.Id + ".mp4"), overwrite: true);
    }

    private async Task<bool> HasEspeakAsync(CancellationToken ct)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("espeak-ng", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (p is null) return false;
            await p.WaitForExitAsync(ct);
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            logger.LogWarning("espeak-ng is not installed; the sample clips get a tone instead of narration (apt-get install espeak-ng)");
            return false;
        }
    }

    private static async Task<byte[]> SpeakAsync(string text, string wavPath, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("espeak-ng") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in new[] { "-s", "170", "-w", wavPath, text }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new MediaToolException($"espeak-ng failed: {await p.StandardError.ReadToEndAsync(ct)}");
        return PcmOf(await File.ReadAllBytesAsync(wavPath, ct));
    }

    /// <summary>The data chunk of a 16-bit mono WAV (espeak-ng writes 22050 Hz).</summary>
    private static byte[] PcmOf(byte[] wav)
    {
        var pos = 12;
        while (pos + 8 <= wav.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(wav, pos, 4);
            var size = BitConverter.ToInt32(wav, pos + 4);
            if (id == "data")
            {
                var length = size <= 0 || pos + 8 + size > wav.Length ? wav.Length - pos - 8 : size;
                return wav[(pos + 8)..(pos + 8 + length)];
            }
            pos += 8 + size + (size & 1);
        }
        return [];
    }

    private static byte[] Tone(string sentence, int index)
    {
        var seconds = Math.Min(3.5, 0.9 + sentence.Split(' ').Length * 0.25);
        var samples = (int)(seconds * SampleRate);
        var bytes = new byte[samples * 2];
        var frequency = 330 + 110 * index;
        for (var i = 0; i < samples; i++)
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (short)(Math.Sin(2 * Math.PI * frequency * i / SampleRate) * 6000));
        return bytes;
    }

    private static void AppendSilence(List<byte> pcm, double seconds) => pcm.AddRange(new byte[(int)(seconds * SampleRate) * 2]);

    private static byte[] Wav(List<byte> pcm)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8); w.Write(36 + pcm.Count); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(SampleRate); w.Write(SampleRate * 2); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(pcm.Count); w.Write(pcm.ToArray());
        w.Flush();
        return ms.ToArray();
    }

    private static string Sanitize(string text) => new(text.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '.' or '-' or '!' or '?').ToArray());

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
