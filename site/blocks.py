"""StreamField blocks shared by every page body on the site."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from budgeting.blocks import ProcessBlock
from portal import text_limits

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "hr", "blockquote"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))],
        default="h2",
        label=_("Level"),
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = _("A section heading; keeps the page outline for screen-reader users.")
        preview_value = {"text": "What we tried", "level": "h2"}


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)
    attribution = blocks.CharBlock(label=_("Credit"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "blocks/figure_block.html"
        description = _("An image with alternative text, an optional caption and a credit.")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"), max_length=text_limits.NOTE)
    attribution = blocks.CharBlock(label=_("Who said it"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        description = _("A quotation with the name of who said it.")
        preview_value = {
            "text": "Slip-ups are allowed: that is how we learn.",
            "attribution": "A Courage to Experiment ambassador",
        }


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=text_limits.SUMMARY)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Or a web address"), required=False)
    link_text = blocks.CharBlock(label=_("Link text"), max_length=60)

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action_block.html"
        description = _("A highlighted box that invites readers to one next step.")
        preview_value = {
            "title": "Share your experiment",
            "text": "Slip-ups and unfinished stories are welcome.",
            "url": "https://example.org/",
            "link_text": "Tell your story",
        }


class BaseStreamBlock(blocks.StreamBlock):
    """The body of every page: headings, rich text, figures, quotes, calls to action and an
    embedded participatory budgeting process."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        max_length=text_limits.EDITORIAL,  # characters of text
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        description=_("Formatted text: paragraphs, lists, links."),
        preview_value="<p>Public servants learn most from each other's experiments.</p>",
    )
    figure = FigureBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    pb_process = ProcessBlock()
