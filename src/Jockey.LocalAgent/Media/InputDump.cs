using System.Globalization;
using System.Text.RegularExpressions;

namespace Jockey.LocalAgent.Media;

/// <summary>
/// Reads what <c>ffmpeg -i a -i b …</c> prints about its inputs ("Input #1, …", "Duration: 00:00:07.04, …",
/// "Stream #1:0…: Video: h264 …, 640x360 …, 24 fps, …"): the facts ffprobe gives, for many files from one process.
/// ffmpeg prints rates rounded to two decimals and durations to hundredths of a second, so 23.98, 29.97 and 59.94
/// are read as the NTSC rates they stand for (24000/1001 …) and durations are at most 10 ms short.
/// </summary>
public static partial class InputDump
{
    /// <summary>The facts of each input that was dumped, by input number; an input ffmpeg could not open is missing.</summary>
    public static Dictionary<int, MediaInfo> Parse(IEnumerable<string> stderrLines)
    {
        var inputs = new Dictionary<int, MediaInfo>();
        var current = -1;
        foreach (var line in stderrLines)
        {
            if (InputLine().Match(line) is { Success: true } input)
            {
                current = int.Parse(input.Groups["n"].Value, CultureInfo.InvariantCulture);
                inputs[current] = new MediaInfo(0, 0, 0, 0, false, false);
            }
            else if (current >= 0 && DurationLine().Match(line) is { Success: true } d)
                inputs[current] = inputs[current] with
                {
                    Duration = int.Parse(d.Groups["h"].Value, CultureInfo.InvariantCulture) * 3600 + int.Parse(d.Groups["m"].Value, CultureInfo.InvariantCulture) * 60
                        + double.Parse(d.Groups["s"].Value, CultureInfo.InvariantCulture),
                };
            else if (StreamLine().Match(line) is { Success: true } s && inputs.TryGetValue(int.Parse(s.Groups["n"].Value, CultureInfo.InvariantCulture), out var info))
                inputs[int.Parse(s.Groups["n"].Value, CultureInfo.InvariantCulture)] = s.Groups["type"].Value switch
                {
                    "Audio" => info with { HasAudio = true },
                    // Cover art arrives as a one-frame "video" stream; it is not a video.
                    "Video" when !info.HasVideo && !line.TrimEnd().EndsWith("(attached pic)", StringComparison.Ordinal) => Video(info, line),
                    _ => info,
                };
        }
        return inputs;
    }

    private static MediaInfo Video(MediaInfo info, string line)
    {
        var size = Size().Match(line);
        var fps = Fps().Match(line);
        return info with
        {
            HasVideo = true,
            Width = size.Success ? int.Parse(size.Groups["w"].Value, CultureInfo.InvariantCulture) : 0,
            Height = size.Success ? int.Parse(size.Groups["h"].Value, CultureInfo.InvariantCulture) : 0,
            FrameRate = fps.Success ? Rate(double.Parse(fps.Groups["v"].Value, CultureInfo.InvariantCulture) * (fps.Groups["k"].Success ? 1000 : 1)) : 0,
        };
    }

    private static double Rate(double printed)
    {
        foreach (var whole in new[] { 24, 30, 48, 60, 120 })
            if (Math.Abs(printed - whole * 1000 / 1001.0) < 0.006) return whole * 1000 / 1001.0;
        return printed;
    }

    [GeneratedRegex(@"^Input #(?<n>\d+), ")]
    private static partial Regex InputLine();

    [GeneratedRegex(@"^\s+Duration: (?<h>\d+):(?<m>\d{2}):(?<s>\d{2}(\.\d+)?),")]
    private static partial Regex DurationLine();

    [GeneratedRegex(@"^\s+Stream #(?<n>\d+):\d+\S*: (?<type>Video|Audio): ")]
    private static partial Regex StreamLine();

    [GeneratedRegex(@", (?<w>\d{1,5})x(?<h>\d{1,5})[ ,]")]
    private static partial Regex Size();

    [GeneratedRegex(@", (?<v>\d+(\.\d+)?)(?<k>k)? fps")]
    private static partial Regex Fps();
}
