namespace Jockey.Testing;

/// <summary>
/// The local agent's generated sample index, taken from the first test agent that has made it and copied into each
/// fresh data path after that: the agent finds it complete (its marker file, written last) and only scans it, instead
/// of drawing ten clips with ffmpeg and espeak-ng for every app a test starts. On 2 shared cores those draws competed
/// with every other test. Only data paths <see cref="TestingApp"/> makes itself take part: a test that gives its agent
/// a data path of its own (the tests of the generation itself) gets what it asked for.
/// </summary>
internal static class SampleIndexSeed
{
    private const string MarkerPattern = ".sample-complete-*";

    private static readonly string Template = Path.Combine(Path.GetTempPath(), $"jockey-sample-seed-{Environment.ProcessId}");
    private static readonly Lock Gate = new();
    // The data paths of the apps running now whose agents make the sample index: where a complete one may turn up.
    private static readonly List<string> Running = [];

    static SampleIndexSeed() => AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(Template);

    /// <summary>Gives <paramref name="dataPath"/> a complete sample index when any test agent has made one so far.</summary>
    public static void Seed(string dataPath)
    {
        lock (Gate)
        {
            foreach (var running in Running)
            {
                if (Directory.Exists(Template)) break;
                TryKeep(running);
            }
            if (Directory.Exists(Template)) CopyDirectory(Template, IndexPath(dataPath));
            Running.Add(dataPath);
        }
    }

    /// <summary>The app on <paramref name="dataPath"/> has stopped: its sample index is kept if none is yet, before its folder goes.</summary>
    public static void Stopped(string dataPath)
    {
        lock (Gate)
        {
            Running.Remove(dataPath);
            if (!Directory.Exists(Template)) TryKeep(dataPath);
        }
    }

    private static void TryKeep(string dataPath)
    {
        var source = IndexPath(dataPath);
        if (!Directory.Exists(source) || Directory.GetFiles(source, MarkerPattern).Length == 0) return;
        var staging = $"{Template}.{Guid.NewGuid():N}";
        try
        {
            CopyDirectory(source, staging);
            Directory.Move(staging, Template);
        }
        catch (IOException)
        {
            // Nothing kept (the agent was writing beside it, or the disk said no): later apps generate their own.
            TryDelete(staging);
        }
    }

    private static string IndexPath(string dataPath) => Path.Combine(dataPath, "indexes", "sample");

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        foreach (var dir in Directory.EnumerateDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
