{#- One topic's questions and answers for review sessions (static/review.js loads it on demand, which
    works from file:// where fetch does not). Per question: id, question HTML, answer HTML; links in
    the answers are relative to the topic's page, and the session resolves them against it. -#}
{% set cards = [] %}
{% for question in page.questions %}{% set _ = cards.append([question.id, question.title_html, question.answer_html]) %}{% endfor %}
(window.studysiteCards = window.studysiteCards || {})[{{ page.output_path | tojson }}] = {{ {"title": page.title, "language": page.language, "cards": cards} | tojson }};
