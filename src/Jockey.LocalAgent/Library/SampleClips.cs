namespace Jockey.LocalAgent.Library;

/// <summary>One clip of the built-in sample index: its words (narration, title, tags) make it findable, its visuals recognisable.</summary>
public sealed record SampleClip(string Id, string Title, string Description, string[] Tags, string[] Narration, string Visual);

/// <summary>
/// Ten topics chosen so that queries can both hit one clip exactly ("sunset", "rocket") and miss all of them
/// ("dinosaur"). Visuals are cheap lavfi sources of different kinds (gradients, fractals, cellular automata, test
/// patterns, a drawn pitch) so thumbnails tell the clips apart; drawn small and scaled up, so generation stays fast.
/// </summary>
public static class SampleClips
{
    public const string IndexId = "sample";

    public static readonly IReadOnlyList<SampleClip> All =
    [
        new("sunrise-mountains", "Sunrise over the mountains", "Dawn breaking over snowy peaks.", ["sunrise", "dawn", "mountains", "morning"],
            ["The sun rises slowly over the snowy mountains.", "Golden morning light fills the quiet valley at dawn."],
            "gradients=s=160x90:c0=0xff9a3c:c1=0x4b2a7a:x0=0:y0=90:x1=0:y1=0:speed=0.03"),
        new("sunset-beach", "Sunset at the beach", "The evening sky over a calm beach.", ["sunset", "beach", "evening", "sky"],
            ["The sunset paints the calm beach in orange and pink.", "Clouds glow above the water as evening falls."],
            "colorspectrum=s=160x90:type=black,vflip,colorchannelmixer=rr=1:gg=0.55:bb=0.35"),
        new("ocean-waves", "Ocean waves", "Waves rolling across the open ocean.", ["ocean", "waves", "surf", "water"],
            ["Big blue waves roll across the open ocean.", "Surfers wait for the next wave to crash on the reef."],
            "gradients=s=160x90:c0=0x0052d4:c1=0x65c7f7:speed=0.08"),
        new("city-night", "City traffic at night", "Traffic and neon lights downtown.", ["city", "traffic", "night", "neon"],
            ["Cars and buses stream through the busy city streets at night.", "Neon signs flicker above the crowded downtown avenue."],
            "cellauto=s=160x90:rule=110,negate,colorchannelmixer=rr=0.2:gg=0.1:bb=0.6"),
        new("forest-hike", "Hiking in the forest", "A trail through tall pine trees.", ["forest", "hiking", "trees", "trail"],
            ["Hikers follow a narrow trail through the green forest.", "Tall pine trees and ferns surround the path."],
            "sierpinski=s=160x90:type=triangle,colorchannelmixer=rr=0.15:gg=0.55:bb=0.25"),
        new("kitchen-cooking", "Cooking pasta in the kitchen", "A chef prepares pasta with tomato sauce.", ["cooking", "kitchen", "pasta", "food"],
            ["A chef boils fresh pasta in a large pot.", "Tomato sauce simmers with garlic and basil in the kitchen."],
            "colorchart=patch_size=24x24:preset=reference"), // square patches: ffmpeg 5.1's colorchart corrupts memory with others
        new("soccer-goal", "Soccer goal", "A last-minute goal and a cheering stadium.", ["soccer", "football", "goal", "sports"],
            ["The striker shoots and scores a goal in the final minute.", "Fans in the stadium cheer and celebrate the win."],
            "color=c=0x2e8b3a:s=160x90,drawbox=x=79:y=0:w=2:h=90:c=white:t=fill,drawbox=x=0:y=25:w=22:h=40:c=white:t=1,drawbox=x=138:y=25:w=22:h=40:c=white:t=1"),
        new("cat-yarn", "Cat playing with yarn", "A kitten chasing a ball of yarn.", ["cat", "kitten", "pets", "yarn"],
            ["A playful kitten chases a red ball of yarn.", "The cat pounces and rolls across the living room carpet."],
            "mandelbrot=s=160x90:maxiter=64:inner=period:end_scale=0.02:end_pts=400"),
        new("snow-village", "Snowfall in the village", "Winter in a small village.", ["snow", "winter", "village", "snowman"],
            ["Snow falls gently on the rooftops of a small village.", "Children build a snowman in the winter square."],
            "life=s=160x90:ratio=0.25:rule=S23/B36:life_color=white:death_color=0xa9c2e8"),
        new("rocket-launch", "Rocket launch", "A rocket lifting off into the sky.", ["rocket", "launch", "space", "countdown"],
            ["The rocket engines ignite as the countdown reaches zero.", "The spacecraft climbs into the sky on a column of fire."],
            "testsrc2=s=160x90"),
    ];
}
