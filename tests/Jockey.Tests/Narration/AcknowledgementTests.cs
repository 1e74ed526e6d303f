using Jockey.ApiService.Narration;

namespace Jockey.Tests.Narration;

/// <summary>What Jockey says as it takes a request on, and as the run ends: its own words, never the request read back.</summary>
public sealed class AcknowledgementTests
{
    [Theory]
    [InlineData("Make a 20-second montage of sunrises", "Sure — a twenty-second montage of sunrises, coming up.")]
    [InlineData("a 20-second reel of the sunrise shots", "Sure — a twenty-second reel of the sunrise shots, coming up.")]
    [InlineData("Make a montage of the sunrise, ocean, city and forest shots", "Sure — a montage of the sunrise, coming up.")]
    [InlineData("Find 3 clips of sunrises over the ocean, about 10 s each, e.g. from the 1990s.", "Sure — three ten-second clips of sunrises over the ocean, coming up.")]
    [InlineData("Can you cut an 8 second highlight reel of my dog please", "Sure — an eight-second highlight reel of your dog, coming up.")]
    [InlineData("Make a short sunrise video", "Sure — a short sunrise video, coming up.")]
    [InlineData("Create highlights of the final", "Sure — highlights of the final, coming up.")]
    [InlineData("show me 2 goals", "Sure — looking for two goals.")]
    [InlineData("sunrise x3 pls", "Sure — I'm on it.")]
    public void The_acknowledgement_names_what_will_be_made(string request, string spoken) =>
        Assert.Equal(spoken, NarrationScript.FromRequest(Acknowledgement.Write(request), 4000));

    [Fact]
    public void A_very_long_request_still_gets_one_short_sentence()
    {
        var request = "Make a 30-second montage of the ocean shots, " + string.Concat(Enumerable.Repeat("with waves that roll in slowly and gulls overhead, ", 200));

        var spoken = NarrationScript.FromRequest(Acknowledgement.Write(request), 4000);

        Assert.Equal("Sure — a thirty-second montage of the ocean shots, coming up.", spoken);
    }

    [Fact]
    public void Cap_keeps_whole_sentences_within_the_word_limit()
    {
        var text = string.Concat(Enumerable.Repeat("The waves roll in. ", 30));

        var capped = NarrationScript.Cap(text.Trim(), 10);

        Assert.Equal("The waves roll in. The waves roll in.", capped);
    }

    [Theory]
    [InlineData("Make a montage of sunrises", 20.2, 4, "Your twenty-second montage of four clips is ready.")]
    [InlineData("Cut a highlight reel of the final", 61, 1, "Your sixty-one-second highlight reel of one clip is ready.")]
    [InlineData("Find sunsets", 150, 12, "Your three-minute video of twelve clips is ready.")]
    public void The_result_names_the_runs_length_and_clip_count(string request, double seconds, int clips, string spoken) =>
        Assert.Equal(spoken, NarrationScript.FromRequest(ResultScript.Completed(request, new ProducedVideo(seconds, clips)), 4000));

    [Fact]
    public void A_failed_run_says_why_in_one_sentence() =>
        Assert.Equal("Sorry — the video could not be made. The Jockey server is not reachable.",
            NarrationScript.FromRequest(ResultScript.Failed("The Jockey server is not reachable. Check Jockey:Url and try again."), 4000));
}
