namespace Jockey.LocalAgent.Library;

/// <summary>One clip of the built-in sample index: its words (narration, title, tags) make it findable, its visuals recognisable.</summary>
public sealed record SampleClip(string Id, string Title, string Description, string[] Tags, string[] Narration, string Visual);

/// <summary>
/// Ten topics chosen so that queries can both hit one clip exactly ("sunset", "rocket") and miss all of them
/// ("dinosaur"). Visuals are cheap lavfi sources drawn small and scaled up, so generation stays fast on two cores.
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
            "gradients=s=160x90:c0=0xff5e62:c1=0xffc371:x0=0:y0=0:x1=0:y1=90:speed=0.03"),
        new("ocean-waves", "Ocean waves", "Waves rolling across the open ocean.", ["ocean", "waves", "surf", "water"],
            ["Big blue waves roll across the open ocean.", "Surfers wait for the next wave to crash on the reef."],
            "gradients=s=160x90:c0=0x0052d4:c1=0x65c7f7:speed=0.08"),
        new("city-night", "City traffic at night", "Traffic and neon lights downtown.", ["city", "traffic", "night", "neon"],
            ["Cars and buses stream through the busy city streets at night.", "Neon signs flicker above the crowded downtown avenue."],
            "cellauto=s=160x90:rule=110,negate,colorchannelmixer=rr=0.2:gg=0.1:bb=0.6"),
        new("forest-hike", "Hiking in the forest", "A trail through tall pine trees.", ["forest", "hiking", "trees", "trail"],
            ["Hikers follow a narrow trail through the green forest.", "Tall pine trees and ferns surround the path."],
            "gradients=s=160x90:c0=0x134e5e:c1=0x71b280:speed=0.02"),
        new("kitchen-cooking", "Cooking pasta in the kitchen", "A chef prepares pasta with tomato sauce.", ["cooking", "kitchen", "pasta", "food"],
            ["A chef boils fresh pasta in a large pot.", "Tomato sauce simmers with garlic and basil in the kitchen."],
            "gradients=s=160x90:c0=0xb31217:c1=0xe52d27:c2=0xf7b733:speed=0.05"),
        new("soccer-goal", "Soccer goal", "A last-minute goal and a cheering stadium.", ["soccer", "football", "goal", "sports"],
            ["The striker shoots and scores a goal in the final minute.", "Fans in the stadium cheer and celebrate the win."],
            "gradients=s=160x90:c0=0x0b8a2e:c1=0x56ab2f:speed=0.01"),
        new("cat-yarn", "Cat playing with yarn", "A kitten chasing a ball of yarn.", ["cat", "kitten", "pets", "yarn"],
            ["A playful kitten chases a red ball of yarn.", "The cat pounces and rolls across the living room carpet."],
            "gradients=s=160x90:c0=0xd3a27f:c1=0x8e5b3a:speed=0.02"),
        new("snow-village", "Snowfall in the village", "Winter in a small village.", ["snow", "winter", "village", "snowman"],
            ["Snow falls gently on the rooftops of a small village.", "Children build a snowman in the winter square."],
            "gradients=s=160x90:c0=0xe0eafc:c1=0x8faadc:speed=0.02"),
        new("rocket-launch", "Rocket launch", "A rocket lifting off into the sky.", ["rocket", "launch", "space", "countdown"],
            ["The rocket engines ignite as the countdown reaches zero.", "The spacecraft climbs into the sky on a column of fire."],
            "gradients=s=160x90:c0=0x000000:c1=0xff4e00:x0=80:y0=90:x1=80:y1=0:speed=0.06"),
    ];
}
