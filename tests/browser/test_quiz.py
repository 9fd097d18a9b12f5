"""MCQ quizzes, tutorials and related links, in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

QUIZ = "neural-networks/vanishing-gradients-mcq.html"
TUTORIAL = "neural-networks/vanishing-gradients-tutorial.html"
TOPIC = "neural-networks/vanishing-gradients.html"


def questions(page: Page):
    return page.locator("article.quiz-question")


def pick(question, correct: bool):
    """Click the first option that is (or is not) correct."""
    question.locator(f'[data-option][data-correct="{str(correct).lower()}"]').first.click()


def answer_all(page: Page, wrong: set[int] = frozenset()):
    for i in range(questions(page).count()):
        question = questions(page).nth(i)
        if question.get_attribute("data-multi") == "true":
            options = question.locator('[data-option][data-correct="true"]')
            for j in range(options.count()):
                options.nth(j).click()
            if i in wrong:
                question.locator('[data-option][data-correct="false"]').first.click()
            question.get_by_role("button", name="Check").click()
        else:
            pick(question, correct=i not in wrong)


def test_right_answer_locks_the_question_and_explains(page: Page, base_url):
    page.goto(base_url + QUIZ)
    first = questions(page).first
    pick(first, correct=True)
    expect(first.locator("[data-feedback]")).to_have_text("Right!")
    expect(first.locator(".option.is-correct")).to_have_count(1)
    for i in range(first.locator("[data-option]").count()):
        expect(first.locator("[data-option]").nth(i)).to_be_disabled()
    expect(first.locator("[data-answer]")).to_have_attribute("open", "")
    expect(page.locator("[data-quiz-score]")).to_have_text("Score 1 of 1 answered · 9 to go")


def test_wrong_answer_shows_the_correct_one(page: Page, base_url):
    page.goto(base_url + QUIZ)
    first = questions(page).first
    pick(first, correct=False)
    expect(first.locator("[data-feedback]")).to_have_text("Not quite: the correct answer is marked.")
    expect(first.locator(".option.is-wrong [data-verdict]")).to_have_text("Your answer, wrong")
    expect(first.locator(".option.is-missed [data-verdict]")).to_have_text("Correct answer")
    expect(page.locator("[data-quiz-score]")).to_have_text("Score 0 of 1 answered · 9 to go")


def test_multi_answer_needs_check_and_every_right_option(page: Page, base_url):
    page.goto(base_url + QUIZ)
    multi = page.locator('article.quiz-question[data-multi="true"]').first
    check = multi.get_by_role("button", name="Check")
    expect(check).to_be_disabled()
    multi.locator('[data-option][data-correct="true"]').first.click()
    expect(multi.locator('[data-option][data-correct="true"]').first).to_have_attribute("aria-pressed", "true")
    expect(check).to_be_enabled()
    check.click()  # only one of the two right options: wrong
    expect(multi.locator("[data-feedback]")).to_have_text("Not quite: the correct answer is marked.")
    expect(multi.locator(".option.is-missed")).to_have_count(1)
    expect(check).to_be_hidden()


def test_score_card_retry_best_score_and_review_mistakes(page: Page, base_url):
    page.goto(base_url + QUIZ)
    answer_all(page, wrong={0, 4})
    card = page.locator("[data-score-card]")
    expect(card).to_be_visible()
    expect(card.locator("[data-final-score]")).to_have_text("8 / 10")
    expect(card.locator("[data-final-percent]")).to_have_text("80%")
    card.get_by_role("button", name="Review mistakes").click()
    expect(page.locator("article.quiz-question:visible")).to_have_count(2)
    card.get_by_role("button", name="Review mistakes").click()
    expect(page.locator("article.quiz-question:visible")).to_have_count(10)

    card.get_by_label("Shuffle questions and options").check()
    card.get_by_role("button", name="Retry").click()
    expect(card).to_be_hidden()
    expect(page.locator("[data-quiz-score]")).to_have_text("0 of 10 answered")
    expect(page.locator("[data-quiz-best]")).to_have_text("Best 8/10")
    expect(page.locator(".option.is-correct, .option.is-wrong")).to_have_count(0)
    answer_all(page)
    expect(card.locator("[data-final-score]")).to_have_text("10 / 10")
    expect(card.locator("[data-final-best]")).to_have_text("A new best score (was 8/10).")
    expect(card.get_by_role("button", name="Review mistakes")).to_be_hidden()

    page.goto(base_url + "index.html")
    expect(page.locator(f'[data-quiz-for="{QUIZ}"]')).to_have_text("quiz best 10/10")


def test_quiz_without_javascript_lists_options_and_answers_in_details(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + QUIZ)
    first = page.locator("article.quiz-question").first
    expect(first.locator("[data-option]")).to_have_count(4)
    expect(first.locator(".quiz-answer__correct")).to_be_hidden()
    first.locator("summary").click()
    expect(first.locator(".quiz-answer__correct")).to_be_visible()
    expect(first.locator(".quiz-answer__correct")).to_contain_text("0.25")
    expect(page.locator("[data-quiz-bar]")).to_be_hidden()
    context.close()


def test_related_links_on_all_three_pages_resolve(page: Page, base_url):
    for start in (TOPIC, QUIZ, TUTORIAL):
        page.goto(base_url + start)
        box = page.get_by_role("complementary", name="Related Neural Networks links")
        expect(box).to_contain_text("Learn Vanishing & Exploding Gradients Tutorial, validate concepts with")
        links = box.locator(".related__text a, .related__more a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for href in hrefs:
            response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
            assert response.ok, (start, href)
        expect(box.locator('.related__text a[aria-current="page"]')).to_have_count(1)
    page.goto(base_url + TUTORIAL)
    page.get_by_role("complementary", name="Related Neural Networks links").get_by_role("link", name="Gradient Descent & Optimizers").click()
    expect(page).to_have_url(re.compile(r"optimization/gradient-descent\.html$"))


def test_tutorial_table_of_contents_jumps_to_sections(page: Page, base_url):
    page.goto(base_url + TUTORIAL)
    toc = page.get_by_role("navigation", name="On this page")
    first = toc.locator("a").first
    target = first.get_attribute("href")
    first.click()
    expect(page.locator(target)).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Key takeaways")).to_be_visible()
    expect(page.locator(".article .callout--tip")).to_have_count(1)


def test_a_shuffled_quiz_past_z_numbers_its_options_as_the_page_does(page: Page, tmp_path):
    from conftest import run_cli
    from tests.browser.conftest import serve_folder

    options = "".join(f"- [{'x' if n == 27 else ' '}] Option {n}\n" for n in range(1, 29))
    quiz = tmp_path / "content/nn/many.mcq.md"
    quiz.parent.mkdir(parents=True)
    quiz.write_text(f"---\ntitle: Many options\n---\n\n## Which is right? [easy]\n\n{options}\nThe 27th.\n", encoding="utf-8")
    assert run_cli(tmp_path, "build") == 0
    server, origin = serve_folder(tmp_path / "_site")
    try:
        page.goto(origin + "/nn/many-mcq.html")
        letters = page.locator(".option__letter")
        expected = [chr(65 + i) for i in range(26)] + ["27", "28"]
        assert letters.all_text_contents() == expected  # as quiz.html writes them
        page.locator("[data-option]", has_text="Option 27").click()
        card = page.locator("[data-score-card]")
        card.get_by_label("Shuffle questions and options").check()
        original = [f"Option {n}" for n in range(1, 29)]
        for _ in range(3):  # (a shuffle may keep the order it had: three in a row hardly ever do)
            card.get_by_role("button", name="Retry").click()
            texts = page.locator("[data-option] .option__text").all_text_contents()
            if texts != original:
                break
            page.locator("[data-option]").first.click()  # (answered again, the score card offers another retry)
        assert texts != original
        assert letters.all_text_contents() == expected  # numbered in the order on screen
        right = texts.index("Option 27")
        assert page.locator("[data-answer-letters]").text_content() == f"{expected[right]} ·"
    finally:
        server.shutdown()
