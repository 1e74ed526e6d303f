namespace Jockey.AppHost.Hosting;

/// <summary>Where things are: the repository, the AppHost project, and the folder dev data persists in.</summary>
public sealed record HostPaths(string RepositoryRoot, string AppHostDirectory, string DataDirectory)
{
    /// <summary>
    /// Set when Jockey.sln was not found. The start-up checks report it instead of Discover throwing, so the
    /// AppHost ends with that one line rather than a stack trace from inside Program.cs.
    /// </summary>
    public string? Problem { get; init; }

    public static HostPaths Discover(string? dataDirectory)
    {
        var found = FindRepositoryRoot(AppContext.BaseDirectory) ?? FindRepositoryRoot(Directory.GetCurrentDirectory());
        var root = found ?? Directory.GetCurrentDirectory();
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return new HostPaths(
            root,
            Path.Combine(root, "src", "Jockey.AppHost"),
            dataDirectory ?? Path.Combine(dataHome, "jockey", "apphost"))
        {
            Problem = found is null
                ? $"Jockey.sln not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}: run the AppHost from its repository (./scripts/dev.sh)"
                : null,
        };
    }

    /// <summary>The build output folder tail (bin/Debug/net10.0/linux-x64) shared by every project of the repository.</summary>
    public string OutputTail
    {
        get
        {
            var baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var marker = $"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}";
            var index = baseDir.LastIndexOf(marker, StringComparison.Ordinal);
            return index < 0
                ? Path.Combine("bin", "Debug", "net10.0", "linux-x64")
                : baseDir[(index + 1)..];
        }
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds Jockey.sln.</summary>
    internal static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jockey.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
