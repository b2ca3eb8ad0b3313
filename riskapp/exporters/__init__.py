"""Export builders: take domain data, return file bytes (xlsx, docx, zip).

The web views send the bytes, the CLI writes them; nothing here touches the
database or a Flask request.
"""
