using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Jockey.Tests.LocalAgent;

public sealed record Probe(double Duration, bool HasVideo, bool HasAudio, string? VideoCodec, string? AudioCodec, int Width, int Height);

/// <summary>Asks the real ffprobe about a file or URL.</summary>
public static class FFprobe
{
    public static async Task<Probe> ProbeAsync(string target, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "error", "-print_format", "json", "-show_format", "-show_streams", target }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        Assert.True(p.ExitCode == 0, $"ffprobe failed on {target}: {await p.StandardError.ReadToEndAsync(ct)}");
        var json = JsonNode.Parse(output)!;
        var streams = json["streams"]!.AsArray().OfType<JsonObject>().ToList();
        var video = streams.FirstOrDefault(s => s["codec_type"]!.GetValue<string>() == "video");
        var audio = streams.FirstOrDefault(s => s["codec_type"]!.GetValue<string>() == "audio");
        return new Probe(double.Parse(json["format"]!["duration"]!.GetValue<string>(), CultureInfo.InvariantCulture), video is not null, audio is not null,
            video?["codec_name"]?.GetValue<string>(), audio?["codec_name"]?.GetValue<string>(),
            video?["width"]?.GetValue<int>() ?? 0, video?["height"]?.GetValue<int>() ?? 0);
    }
}
