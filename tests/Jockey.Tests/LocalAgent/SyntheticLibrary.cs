using System.Runtime.InteropServices;
using System.Text.Json;

namespace Jockey.Tests.LocalAgent;

/// <summary>
/// A large index made cheaply, for the distractor test and bench scenario 5's library-size sweep (the bench compiles
/// this file too): N hard links of the sample clips (no disk space, but N files to probe and index), each with its own
/// sidecar title, description and tags drawn from a 300-word vocabulary — the sample clips' own words plus made-up
/// ones — so that one vocabulary word is in about 7 % of the videos.
/// </summary>
public static partial class SyntheticLibrary
{
    /// <summary>Words of the sample clips' titles, tags and narration: distractors that share them compete with the real clips.</summary>
    private static readonly string[] SampleWords =
    [
        "sunrise", "mountains", "dawn", "morning", "golden", "light", "valley", "snowy", "peaks", "sunset", "beach", "evening", "sky", "clouds",
        "orange", "pink", "water", "ocean", "waves", "surf", "blue", "surfers", "reef", "city", "traffic", "night", "neon", "cars", "buses",
        "streets", "downtown", "avenue", "forest", "hiking", "trees", "trail", "hikers", "pine", "ferns", "path", "cooking", "kitchen", "pasta",
        "food", "chef", "tomato", "sauce", "garlic", "basil", "soccer", "football", "goal", "sports", "striker", "fans", "stadium", "cat",
        "kitten", "pets", "yarn", "ball", "carpet", "snow", "winter", "village", "snowman", "rooftops", "children", "rocket", "launch", "space",
        "countdown", "engines", "spacecraft", "fire",
    ];

    private const int WordsPerVideo = 22;

    /// <summary>The 300 words sidecars are written from: the sample's words, then made-up ones ("bakora", "dufemi", …).</summary>
    public static readonly IReadOnlyList<string> Vocabulary = SampleWords.Concat(MadeUpWords(300 - SampleWords.Length)).ToArray();

    /// <summary>
    /// Adds <paramref name="count"/> videos named <c>{prefix}-00001.mp4</c>… to <paramref name="folder"/>, each a hard link of
    /// one of <paramref name="sources"/> with a <c>.json</c> sidecar of its own; the same seed writes the same words.
    /// </summary>
    public static void Create(string folder, IReadOnlyList<string> sources, int count, string prefix = "video", int seed = 15)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        for (var i = 1; i <= count; i++)
        {
            var words = Enumerable.Range(0, WordsPerVideo).Select(_ => Vocabulary[random.Next(Vocabulary.Count)]).ToArray();
            var stem = Path.Combine(folder, $"{prefix}-{i:00000}");
            File.WriteAllText(stem + ".json", JsonSerializer.Serialize(new
            {
                title = string.Join(' ', words[..3]),
                description = string.Join(' ', words[3..19]),
                tags = words[19..],
            }));
            HardLink(sources[i % sources.Count], stem + Path.GetExtension(sources[i % sources.Count]));
        }
    }

    private static void HardLink(string existing, string link)
    {
        if (Link(existing, link) != 0)
            throw new IOException($"Could not hard-link {existing} as {link} (errno {Marshal.GetLastPInvokeError()}); both must be on one file system.");
    }

    private static IEnumerable<string> MadeUpWords(int count)
    {
        const string consonants = "bdfgklmnprstvz", vowels = "aeiou";
        var random = new Random(300);
        var words = new HashSet<string>(SampleWords);
        while (words.Count < SampleWords.Length + count)
        {
            var word = string.Concat(Enumerable.Range(0, 3).Select(_ => $"{consonants[random.Next(consonants.Length)]}{vowels[random.Next(vowels.Length)]}"));
            if (words.Add(word)) yield return word;
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string link);
}
