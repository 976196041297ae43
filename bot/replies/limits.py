"""Discord's size limits on what a message may carry, in one place."""

# From Discord's documentation (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
CONTENT_MAX = 2000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
CHOICE_NAME_MAX = 100
