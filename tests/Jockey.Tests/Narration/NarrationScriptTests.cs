using Jockey.ApiService.Narration;

namespace Jockey.Tests.Narration;

/// <summary>The offline narration script: what the speech engine is given for a request.</summary>
public sealed class NarrationScriptTests
{
    [Theory]
    [InlineData("find 3 clips of goals", "Find three clips of goals.")]
    [InlineData("Cut it to 2.5 min at 30 fps", "Cut it to two point five minutes at thirty frames per second.")]
    [InlineData("about 1 km and 1,250 kg", "About one kilometer and one thousand two hundred fifty kilograms.")]
    [InlineData("the 21st match in 1998", "The twenty-first match in nineteen ninety-eight.")]
    [InlineData("music from the 1980s", "Music from the nineteen eighties.")]
    [InlineData("Find 3 clips, about 10 s each, e.g. from the 1990s", "Find three clips, about ten seconds each, for example from the nineteen nineties.")]
    [InlineData("clips from 2005 and 2024", "Clips from two thousand five and twenty twenty-four.")]
    [InlineData("highlights, e.g. saves vs. goals etc.", "Highlights, for example saves versus goals et cetera.")]
    [InlineData("5-10 clips under $20 at 50%", "Five to ten clips under twenty dollars at fifty percent.")]
    [InlineData("kick-off at 19:05", "Kick-off at nineteen oh five.")]
    [InlineData("Tom & Jerry", "Tom and Jerry.")]
    public void Numbers_units_and_abbreviations_are_written_out(string request, string spoken) =>
        Assert.Equal(spoken, NarrationScript.FromRequest(request, 4000));

    [Fact]
    public void Markup_links_and_lists_become_plain_sentences()
    {
        const string request = """
            # Make a **reel**
            - the best [goal](https://example.com/goal) of the <b>season</b>
            - see https://twelvelabs.io for more
            ```json
            {"ignore": true}
            ```
            """;

        Assert.Equal("Make a reel. The best goal of the season. See for more.", NarrationScript.FromRequest(request, 4000));
    }

    [Fact]
    public void Long_text_is_cut_at_a_sentence_end()
    {
        var request = string.Concat(Enumerable.Repeat("One more scene. ", 50));

        var script = NarrationScript.FromRequest(request, 100);

        Assert.True(script.Length <= 100, script);
        Assert.EndsWith("scene.", script);
    }

    [Fact]
    public void Nothing_speakable_gives_an_empty_script() =>
        Assert.Equal("", NarrationScript.FromRequest("https://example.com/only-a-link", 4000));
}
